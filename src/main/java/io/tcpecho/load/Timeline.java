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
 * {@code steady}'s seconds, kept for the report (which {@code load merge} sums over shards) and the
 * {@link TimelinePicture} drawn at the end, and with {@code --timeline FILE} written as JSON lines, one per second, each
 * as its second ends, so that a run that is killed leaves the seconds it saw.
 */
final class Timeline implements AutoCloseable {

    private final BufferedWriter out;
    private final List<JsonObject> kept = new ArrayList<>();

    private Timeline(BufferedWriter out) {
        this.out = out;
    }

    /** A timeline that writes to {@code file} (replacing it), or to no file when {@code file} is null. */
    static Timeline to(Path file) throws IOException {
        return new Timeline(file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    void write(JsonObject second) {
        kept.add(second);
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

    /** The seconds written so far, in order. */
    List<JsonObject> seconds() {
        return List.copyOf(kept);
    }

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
