package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.ServerProcess;
import io.vertx.core.json.JsonObject;

/**
 * Shards of a run ({@code --shard I/N}), run at once against one echo server, are exactly the whole run: the same
 * streams (told apart by their first bytes, as the server saw them), the same totals, and {@code load merge} adds them
 * up to the whole run's counts.
 */
class ShardedRunTest {

    private static final int SHARDS = 3;

    @TempDir
    Path dir;

    static Stream<Arguments> workloads() {
        return Stream.of(
                Arguments.of("bulk", List.of("-c", "10", "-s", "256KiB"), true),
                Arguments.of("pingpong", List.of("-c", "7", "-m", "100", "-d", "300ms", "-w", "100ms"), false),
                Arguments.of("idle", List.of("-c", "7", "--hold", "0"), true),
                Arguments.of("flood", List.of("-c", "5", "-s", "64KiB", "--hold", "100ms"), true));
    }

    /** @param fixedTotals whether the workload's bytes and connections are set by its options, not by time */
    @ParameterizedTest(name = "{0}")
    @MethodSource("workloads")
    void shardsAddUpToTheWholeRun(String workload, List<String> options, boolean fixedTotals) throws Exception {
        JsonObject whole;
        List<String> wholeStreams;
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            whole = report(run(server, workload, options, "--format", "json"));
            wholeStreams = server.openings();
        }
        List<JsonObject> shards;
        List<String> shardStreams;
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            shards = runShards(server, workload, options);
            shardStreams = server.openings();
        }
        int connections = Integer.parseInt(options.get(1));
        assertThat(wholeStreams).hasSize(connections).doesNotHaveDuplicates();
        assertThat(shardStreams).as("every stream of the whole run, once").containsExactlyInAnyOrderElementsOf(wholeStreams);
        for (int index = 0; index < SHARDS; index++) {
            JsonObject shard = shards.get(index);
            assertThat(shard.getJsonObject("shard")).isEqualTo(new JsonObject().put("index", index).put("count", SHARDS));
            assertThat(settings(shard)).as("the whole run's settings").isEqualTo(settings(whole));
        }
        JsonObject merged = report(merge(shardFiles()));
        for (String count : List.of("bytesSent", "bytesEchoed", "messages", "connections", "errors")) {
            long sum = shards.stream().mapToLong(shard -> shard.getLong(count)).sum();
            assertThat(merged.getLong(count)).as(count).isEqualTo(sum);
            if (fixedTotals) {
                assertThat(sum).as(count + " of the shards").isEqualTo(whole.getLong(count));
            }
        }
        assertThat(merged.getJsonObject("latencyMicros").getLong("count"))
                .isEqualTo(shards.stream().mapToLong(shard -> shard.getJsonObject("latencyMicros").getLong("count")).sum());
        assertThat(merged.getJsonObject("shards").getInteger("given")).isEqualTo(SHARDS);
        assertThat(merged.getJsonObject("shards").getJsonArray("missing")).isEmpty();
        System.out.printf("%s: %d shards started through the barrier %.1f ms apart%n", workload, SHARDS,
                merged.getJsonObject("shards").getDouble("startSkewMillis"));
        assertThat(merged.getJsonObject("parameters").getValue("connections")).isEqualTo(connections);
        if (workload.equals("flood")) {
            assertThat(merged.getJsonObject("parameters").getLong(LoadResult.BYTES_SENT_WHILE_FLOODING)).isEqualTo(
                    shards.stream().mapToLong(s -> s.getJsonObject("parameters").getLong(LoadResult.BYTES_SENT_WHILE_FLOODING))
                            .sum());
        }
    }

    @Test
    void aShardWhoseOthersNeverComeFailsNamingThemAndSendsNothing() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            Outcome outcome = run(server, "bulk", List.of("-c", "3", "-s", "1KiB"), "--shard", "0/3", "--barrier",
                    "127.0.0.1:" + ServerProcess.freePort(), "--barrier-timeout", "1s");
            assertThat(outcome.exit()).as(outcome.err()).isEqualTo(1);
            assertThat(outcome.err()).contains("load: FAILED: index 0 waited 1s; shards 1, 2 never checked in");
            assertThat(server.openings()).as("no connection before the start").isEmpty();
        }
    }

    @Test
    void churnShardsNeverSendTheSameStream() throws Exception {
        List<String> streams;
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            runShards(server, "churn", List.of("-c", "3", "-d", "300ms", "-w", "0"));
            streams = server.openings();
        }
        assertThat(streams).hasSizeGreaterThan(SHARDS).doesNotHaveDuplicates();
        assertThat(report(merge(shardFiles())).getLong("messages")).isPositive();
    }

    @Test
    void theHistogramLogDecodesAndItsMeasuredIntervalsAreTheReportsLatencies() throws Exception {
        Path log = dir.resolve("pingpong.hlog");
        JsonObject report;
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            report = report(run(server, "pingpong", List.of("-c", "2", "-m", "64", "-d", "1500ms", "-w", "200ms"),
                    "--format", "json", "--histogram-log", log.toString()));
        }
        assertThat(Files.readAllLines(log)).contains("#[Histogram log format version 1.3]");
        Histogram measured = new Histogram(3);
        Set<String> tags = new HashSet<>();
        int measuredIntervals = 0;
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        for (EncodableHistogram interval; (interval = reader.nextIntervalHistogram()) != null;) {
            tags.add(interval.getTag());
            if ("pingpong".equals(interval.getTag())) {
                measured.add((Histogram) interval);
                measuredIntervals++;
            }
        }
        double startSeconds = reader.getStartTimeSec();
        reader.close();
        assertThat(tags).containsExactlyInAnyOrder("warmup", "pingpong", "cooldown");
        assertThat(measuredIntervals).as("one a second, and the last part of one").isGreaterThanOrEqualTo(2);
        assertThat(measured.getTotalCount()).isPositive();
        assertThat(measured).isEqualTo(Histograms.decode(report.getString("latencyHistogram")));
        assertThat(measured.getTotalCount()).isEqualTo(report.getJsonObject("latencyMicros").getLong("count"));
        assertThat(Math.round(startSeconds * 1000))
                .isEqualTo(java.time.Instant.parse(report.getString("startedAt")).toEpochMilli());
    }

    @Test
    void badShardsAreUsageErrors() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            assertUsage(run(server, "bulk", List.of("--shard", "3/3")), "load bulk: shard 3/3: the index must be 0 to 2");
            assertUsage(run(server, "pingpong", List.of("--shard", "0/0")),
                    "load pingpong: shard 0/0: the number of shards must be positive");
            assertUsage(run(server, "bulk", List.of("--shard", "0/4", "-c", "3")),
                    "load bulk: --connections 3 cannot be split into 4 shards: each needs at least one");
            assertUsage(run(server, "idle", List.of("--shard", "1/4", "-c", "8", "--open-concurrency", "2")),
                    "load idle: --open-concurrency 2 cannot be split into 4 shards: each needs at least one");
            assertUsage(run(server, "churn", List.of("--shards", "3")),
                    "load churn: 3 shards but no index: give --shard I/3 or JOB_COMPLETION_INDEX");
            assertThat(server.openings()).as("no connection for a usage error").isEmpty();
        }
    }

    private static JsonObject settings(JsonObject report) {
        JsonObject settings = report.getJsonObject("parameters").copy();
        settings.remove(LoadResult.BYTES_SENT_WHILE_FLOODING);
        return settings;
    }

    private static void assertUsage(Outcome outcome, String line) {
        assertThat(outcome.exit()).as(outcome.err()).isEqualTo(2);
        assertThat(outcome.err()).startsWith(line + " (see 'load ");
    }

    /** The shards, each on a thread of its own, start together through the barrier ({@code --barrier}), as in a Job. */
    private List<JsonObject> runShards(BrokenEchoServer server, String workload, List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of(workload, "--target", server.target(), "--timeout", "5s",
                "--progress", "0", "--threads", "1"));
        command.addAll(options);
        for (Outcome outcome : shardRuns().run(command)) {
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        }
        return shardRuns().reports();
    }

    private ShardRuns shardRuns() {
        return new ShardRuns(dir, SHARDS);
    }

    private List<File> shardFiles() {
        return shardRuns().files();
    }

    static Outcome run(BrokenEchoServer server, String workload, List<String> options, String... more) {
        List<String> args = new ArrayList<>(List.of(workload, "--target", server.target(), "--timeout", "5s", "--progress",
                "0", "--threads", "1"));
        args.addAll(options);
        args.addAll(List.of(more));
        return LoadClient.run(args.toArray(String[]::new));
    }

    static Outcome merge(List<File> files, String... options) {
        List<String> args = new ArrayList<>(List.of("merge", "--format", "json"));
        args.addAll(List.of(options));
        files.forEach(file -> args.add(file.toString()));
        return LoadClient.run(args.toArray(String[]::new));
    }

    private static JsonObject report(Outcome outcome) {
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }
}
