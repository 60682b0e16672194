package io.tcpecho.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tests' one way to run other programs (podman, jlink, tar, the Maven wrapper, the service and its load
 * client): to the end, returning what they printed, or in the background with their output in a file.
 */
public final class Commands {

    private Commands() {
    }

    public record Result(int exitCode, String output) {
        public Result orFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed with exit code " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    public static Result podman(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return run(command, Map.of(), Path.of("."), Duration.ofMinutes(3));
    }

    public static Result run(List<String> command, Map<String, String> env, Path directory, Duration timeout) {
        try {
            Path log = Files.createTempFile("tcp-echo-cmd-", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(command + " did not finish within " + timeout + ":\n" + Files.readString(log));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** Starts a command in the background with {@code env} on top of ours; its output goes to {@code log}. */
    public static Process start(Path log, Map<String, String> env, List<String> command) throws IOException {
        return start(log, env, command, Path.of(""));
    }

    /** {@link #start(Path, Map, List)} in {@code directory}. */
    public static Process start(Path log, Map<String, String> env, List<String> command, Path directory)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toAbsolutePath().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }
}
