package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code steady} in three shards against one echo server: together exactly the whole run's connections at its rate,
 * every stream sent once; {@code load merge} sums their figures and their per-second timelines, and judges steady's
 * budgets on the merged result.
 */
class ShardedSteadyTest {

    private static final int SHARDS = 3;
    private static final int CONNECTIONS = 7;

    @TempDir
    Path dir;

    /** The whole run: 7 connections of 20 messages/s each, a probe every 300 ms, for 2 s. */
    private static final List<String> OPTIONS = List.of("-c", Integer.toString(CONNECTIONS), "-r", "20", "-m", "1000",
            "-d", "2s", "--probe-interval", "300ms");

    private List<String> steady(BrokenEchoServer server, String... more) {
        List<String> command = new ArrayList<>(List.of("steady", "--target", server.target(), "--timeout", "5s",
                "--progress", "0", "--threads", "1"));
        command.addAll(OPTIONS);
        command.addAll(List.of(more));
        return command;
    }

    private List<JsonObject> runShards(List<String> command) throws Exception {
        ShardRuns shards = new ShardRuns(dir, SHARDS);
        for (Outcome outcome : shards.run(command)) {
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        }
        return shards.reports();
    }

    @Test
    void threeShardsAreTheWholeRunAndMergeToTheirSums() throws Exception {
        Path log = dir.resolve("steady-0.hlog");
        List<JsonObject> shards;
        List<String> streams;
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            shards = runShards(steady(server));
            streams = server.openings();
            // Shard 0 again alone, with its interval log: the log's intervals are its report's round trips.
            JsonObject alone = report(ShardedRunTest.run(server, "steady", OPTIONS, "--shard", "0/3", "--format", "json",
                    "--histogram-log", log.toString()));
            assertThat(loggedRoundTrips(log)).isEqualTo(Histograms.decode(alone.getString("latencyHistogram")));
        }
        long connections = 0;
        long probes = 0;
        for (int index = 0; index < SHARDS; index++) {
            JsonObject shard = shards.get(index);
            assertThat(shard.getJsonObject("shard")).isEqualTo(new JsonObject().put("index", index).put("count", SHARDS));
            assertThat(shard.getJsonObject("parameters").getInteger("connections")).as("the whole run's")
                    .isEqualTo(CONNECTIONS);
            assertThat(shard.getJsonObject("parameters").getDouble("rate")).as("per connection").isEqualTo(20.0);
            assertThat(shard.getLong("connectionsOpened")).as("its share: 3, 2, 2").isEqualTo(index == 0 ? 3 : 2);
            assertThat(shard.getJsonObject("ended").getLong("client-closed")).isEqualTo(shard.getLong("connectionsOpened"));
            assertThat(shard.getString("agreedStart")).as("one start for all").isEqualTo(shards.get(0).getString("agreedStart"))
                    .isNotNull();
            assertThat(shard.getJsonObject("newConnections").getLong("probes")).as("its probes").isPositive();
            connections += shard.getLong("connectionsOpened");
            probes += shard.getJsonObject("newConnections").getLong("probes");
        }
        assertThat(connections).as("the whole run's connections").isEqualTo(CONNECTIONS);
        assertThat(streams).as("each connection and probe a stream of its own").hasSize((int) (connections + probes))
                .doesNotHaveDuplicates();

        Outcome outcome = ShardedRunTest.merge(new ShardRuns(dir, SHARDS).files(), "--max-failed-connects", "0",
                "--max-lost-bytes", "0", "--max-broken", "0", "--max-outage", "0s", "--expect-shards", "3");
        JsonObject merged = report(outcome);
        assertThat(merged.getString("workload")).isEqualTo("steady");
        assertThat(merged.getBoolean("ok")).isTrue();
        assertThat(merged.getJsonArray("budgets")).hasSize(5)
                .allSatisfy(budget -> assertThat(((JsonObject) budget).getBoolean("ok")).isTrue());
        for (String count : List.of("connectionsOpened", "messages", "lostBytes", "broken", "bytesSent", "bytesEchoed")) {
            assertThat(merged.getLong(count)).as(count).isEqualTo(shards.stream().mapToLong(s -> s.getLong(count)).sum());
        }
        assertThat(merged.getJsonObject("newConnections").getLong("probes")).isEqualTo(probes);
        assertThat(merged.getJsonObject("ended").getLong("client-closed")).isEqualTo(CONNECTIONS);
        assertThat(merged.getJsonObject("rttMicros").getLong("count")).isEqualTo(merged.getLong("messages"))
                .isEqualTo(shards.stream().mapToLong(s -> s.getJsonObject("rttMicros").getLong("count")).sum());
        assertThat(merged.getJsonObject("parameters").getInteger("connections")).isEqualTo(CONNECTIONS);
        assertThat(merged.getJsonObject("shards").getJsonArray("missing")).isEmpty();

        JsonArray timeline = merged.getJsonArray("timeline");
        assertThat(timeline).as("the run's seconds").hasSizeGreaterThanOrEqualTo(2);
        long timelineMessages = 0;
        for (int second = 0; second < timeline.size(); second++) {
            JsonObject line = timeline.getJsonObject(second);
            assertThat(line.getInteger("second")).isEqualTo(second);
            for (String count : List.of("messages", "new", "active", "probesOk", "failedConnects")) {
                assertThat(line.getLong(count, 0L)).as("second %d's %s", second, count)
                        .isEqualTo(sumOfSecond(shards, second, count));
            }
            timelineMessages += line.getLong("messages", 0L);
        }
        assertThat(timelineMessages).isEqualTo(merged.getLong("messages"));
    }

    @Test
    void steadysBudgetsAreJudgedOnTheMergedResult() throws Exception {
        List<JsonObject> shards;
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.RESET)) {
            // Each connection resets at its 11th message of 1000 bytes: broken, its message lost.
            shards = runShards(steady(server));
        }
        long broken = shards.stream().mapToLong(shard -> shard.getLong("broken")).sum();
        assertThat(broken).isGreaterThan(shards.stream().mapToLong(shard -> shard.getLong("broken")).max().orElseThrow());
        List<java.io.File> files = new ShardRuns(dir, SHARDS).files();

        JsonObject kept = report(ShardedRunTest.merge(files, "--max-broken", Long.toString(broken)));
        assertThat(kept.getLong("broken")).isEqualTo(broken);
        assertThat(kept.getJsonArray("budgets").getJsonObject(0).getBoolean("ok")).isTrue();
        assertThat(kept.getJsonArray("brokenConnections")).hasSize((int) broken)
                .allSatisfy(row -> assertThat(((JsonObject) row).getString("ending")).isEqualTo("reset"));

        Outcome exceeded = ShardedRunTest.merge(files, "--max-broken", Long.toString(broken - 1));
        assertThat(exceeded.exit()).as(exceeded.err()).isEqualTo(1);
        assertThat(exceeded.err()).contains("load: FAILED: over budget: broken connections " + broken + " > "
                + (broken - 1) + " (by 1)");
        assertThat(new JsonObject(exceeded.out().strip()).getBoolean("ok")).isFalse();
    }

    @Test
    void aMissingSteadyShardFailsTheMerge() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            runShards(steady(server));
        }
        List<java.io.File> files = new ShardRuns(dir, SHARDS).files();
        Outcome outcome = ShardedRunTest.merge(List.of(files.get(0), files.get(2)), "--expect-shards", "3",
                "--max-broken", "0");
        assertThat(outcome.exit()).as(outcome.err()).isEqualTo(1);
        assertThat(outcome.err()).contains("load: FAILED: shard 1/3 missing");
        JsonObject merged = new JsonObject(outcome.out().strip());
        assertThat(merged.getJsonObject("shards").getJsonArray("missing")).containsExactly(1);
        assertThat(merged.getBoolean("ok")).isFalse();
    }

    @Test
    void budgetsAreSteadysOnly() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            new ShardRuns(dir, SHARDS).run(List.of("bulk", "--target", server.target(), "--progress", "0", "-c", "3",
                    "-s", "1KiB"));
        }
        Outcome outcome = ShardedRunTest.merge(new ShardRuns(dir, SHARDS).files(), "--max-broken", "0");
        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).contains("are steady's; these shards ran bulk");
    }

    /** Second {@code second} of the shards' timelines (each counted from the agreed start), {@code count} summed. */
    private static long sumOfSecond(List<JsonObject> shards, int second, String count) {
        long sum = 0;
        for (JsonObject shard : shards) {
            long offset = Duration.between(Instant.parse(shard.getString("agreedStart")),
                    Instant.parse(shard.getString("startedAt"))).toSeconds();
            JsonArray lines = shard.getJsonArray("timeline");
            int at = (int) (second - offset);
            if (at >= 0 && at < lines.size()) {
                sum += lines.getJsonObject(at).getLong(count);
            }
        }
        return sum;
    }

    /** The round trips of the log's intervals tagged steady: all but what came after the report took its own. */
    private static Histogram loggedRoundTrips(Path log) throws Exception {
        Histogram logged = new Histogram(3);
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        for (EncodableHistogram interval; (interval = reader.nextIntervalHistogram()) != null;) {
            assertThat(interval.getTag()).isIn("steady", "cooldown");
            if (interval.getTag().equals("steady")) {
                logged.add((Histogram) interval);
            }
        }
        reader.close();
        return logged;
    }

    private static JsonObject report(Outcome outcome) {
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }
}
