package io.tcpecho.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.json.JsonObject;

/**
 * {@code steady}'s seconds: with {@code --timeline FILE}, JSON lines, one per second, each written as its second ends,
 * so that a run that is killed leaves the seconds it saw; with {@code --picture}, the same seconds kept for the
 * {@link TimelinePicture} drawn at the end; without either, nothing.
 */
final class Timeline implements AutoCloseable {

    private final BufferedWriter out;
    /** The seconds so far, when a picture is to be drawn of them; null when not. */
    private final List<JsonObject> kept;

    private Timeline(BufferedWriter out, List<JsonObject> kept) {
        this.out = out;
        this.kept = kept;
    }

    /**
     * A timeline that writes to {@code file} (replacing it), or to no file when {@code file} is null, and keeps its
     * seconds when {@code keep}.
     */
    static Timeline to(Path file, boolean keep) throws IOException {
        return new Timeline(file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8),
                keep ? new ArrayList<>() : null);
    }

    void write(JsonObject second) {
        if (kept != null) {
            kept.add(second);
        }
        if (out == null) {
            return;
        }
        try {
            out.write(second.encode());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seconds written so far, in order; empty unless they are kept. */
    List<JsonObject> seconds() {
        return kept == null ? List.of() : List.copyOf(kept);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
