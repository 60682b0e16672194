package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonObject;

/**
 * {@code load steady} of the packaged jar as a process in the background, as a Job runs it during a rollout: it runs
 * until {@link #stop()} sends SIGTERM, then reports; the JSON report and the timeline are read from its files.
 */
public final class SteadyProcess implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final Path report;
    private final Path timeline;
    private final int connections;

    private SteadyProcess(Process process, Path output, Path report, Path timeline, int connections) {
        this.process = process;
        this.output = output;
        this.report = report;
        this.timeline = timeline;
        this.connections = connections;
    }

    /**
     * Starts {@code connections} long-lived connections against {@code target} with {@code options} on top, run by
     * {@code launcher} (such as {@code ip netns exec NODE}; empty: as it is).
     */
    public static SteadyProcess start(List<String> launcher, String target, int connections, List<String> options)
            throws IOException {
        Path output = Files.createTempFile("tcp-echo-steady-", ".log");
        Path report = Files.createTempFile("tcp-echo-steady-", ".json");
        Path timeline = Files.createTempFile("tcp-echo-steady-", ".jsonl");
        List<String> workload = new ArrayList<>(List.of("steady", "-c", String.valueOf(connections), "--json",
                report.toString(), "--timeline", timeline.toString()));
        workload.addAll(options);
        List<String> command = new ArrayList<>(launcher);
        command.addAll(JavaCommand.load(ServerProcess.JAR, List.of(), target, workload));
        return new SteadyProcess(Commands.start(output, Map.of(), command), output, report, timeline, connections);
    }

    /** Waits until the timeline's last second ended with every connection up (its first message echoed). */
    public SteadyProcess awaitAllUp(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(process.isAlive()).as("load steady runs:\n%s", Files.readString(output)).isTrue();
            List<String> seconds = Files.readAllLines(timeline);
            return !seconds.isEmpty() && new JsonObject(seconds.get(seconds.size() - 1)).getInteger("active") == connections;
        });
        return this;
    }

    /** Sends SIGTERM, asserts the exit status (0: the report's result, its budgets kept) and returns the report. */
    public JsonObject stop() throws IOException, InterruptedException {
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("load steady stopped on SIGTERM").isTrue();
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as("load steady's exit status:\n%s", printed).isZero();
        return new JsonObject(Files.readString(report));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(output);
        Files.deleteIfExists(report);
        Files.deleteIfExists(timeline);
    }
}
