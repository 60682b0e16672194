package io.tcpecho.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.vertx.core.json.JsonObject;

/**
 * {@code --timeline FILE}: {@code steady}'s seconds as JSON lines, one per second, each written as its second ends, so
 * that a run that is killed leaves the seconds it saw; without a file, nothing.
 */
final class Timeline implements AutoCloseable {

    private final BufferedWriter out;

    private Timeline(BufferedWriter out) {
        this.out = out;
    }

    /** A timeline that writes to {@code file} (replacing it), or nothing when {@code file} is null. */
    static Timeline to(Path file) throws IOException {
        return new Timeline(file == null ? null : Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    void write(JsonObject second) {
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

    @Override
    public void close() throws IOException {
        if (out != null) {
            out.close();
        }
    }
}
