package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.whoami.WhoamiServer;
import io.vertx.core.json.JsonObject;

/**
 * {@code spread} in three shards against the real whoami listener of one server: together they open the whole run's
 * connections, and {@code load merge} sums each pod's, adds their connect times, works the evenness out from the
 * summed counts and judges {@code --expect-pods} on them.
 */
@QuarkusTest
class ShardedSpreadTest {

    private static final int SHARDS = 3;
    private static final int CONNECTIONS = 20;

    @Inject
    WhoamiServer whoami;

    @TempDir
    Path dir;

    @Test
    void threeShardsOpenTheWholeRunsConnectionsAndMergeToTheirSums() throws Exception {
        JsonObject whole = report(LoadClient.run(command("--format", "json").toArray(String[]::new)));
        List<JsonObject> shards = runShards();
        assertThat(shards).extracting(shard -> shard.getLong("connections")).as("20 in three: 7, 7, 6")
                .containsExactly(7L, 7L, 6L);
        assertThat(shards).extracting(shard -> shard.getInteger("parallel")).as("-p 4 in three: 2, 1, 1")
                .containsExactly(2, 1, 1);
        assertThat(shards).extracting(shard -> shard.getLong("answered")).containsExactly(7L, 7L, 6L);
        assertThat(shards).extracting(shard -> shard.getString("agreedStart")).as("one start at the barrier")
                .doesNotContainNull().containsOnly(shards.get(0).getString("agreedStart"));
        for (int index = 0; index < SHARDS; index++) {
            assertThat(shards.get(index).getJsonObject("shard").getInteger("index")).isEqualTo(index);
            assertThat(shards.get(index).getJsonObject("parameters")).isEqualTo(whole.getJsonObject("parameters"));
        }

        JsonObject merged = report(ShardedRunTest.merge(files(), "--expect-shards", "3"));
        assertThat(merged.getString("workload")).isEqualTo("spread");
        assertThat(merged.getBoolean("ok")).isTrue();
        assertThat(merged.getLong("answered")).isEqualTo(whole.getLong("answered")).isEqualTo(CONNECTIONS);
        assertThat(merged.getLong("connections")).isEqualTo(CONNECTIONS);
        assertThat(merged.getInteger("parallel")).isEqualTo(4);
        assertThat(merged.getJsonObject("pods").fieldNames()).isEqualTo(whole.getJsonObject("pods").fieldNames());
        for (String pod : merged.getJsonObject("pods").fieldNames()) {
            JsonObject row = merged.getJsonObject("pods").getJsonObject(pod);
            Histogram connects = new Histogram(3);
            shards.forEach(shard -> connects.add(Histograms.decode(shard.getJsonObject("pods").getJsonObject(pod)
                    .getString("connectHistogram"))));
            assertThat(row.getLong("connections")).isEqualTo(connects.getTotalCount()).isEqualTo(CONNECTIONS);
            assertThat(row.getDouble("connectMicrosP50")).isEqualTo(connects.getValueAtPercentile(50) / 1000.0);
            assertThat(row.getDouble("connectMicrosP99")).isEqualTo(connects.getValueAtPercentile(99) / 1000.0);
        }
        assertThat(merged.getJsonObject("clients").getMap()).containsExactly(Map.entry("127.0.0.1", CONNECTIONS));
        assertThat(merged.getJsonObject("proxyProtocol").getMap()).containsExactly(Map.entry("none", CONNECTIONS));
        assertThat(merged.getValue("chiSquare")).as("one pod: nothing to compare").isNull();
        assertThat(merged.getJsonObject("shards").getInteger("given")).isEqualTo(SHARDS);
    }

    @Test
    void expectPodsIsJudgedOnThePodsThatAnsweredTheShardsTogether() throws Exception {
        runShards();

        JsonObject one = report(ShardedRunTest.merge(files(), "--expect-pods", "1"));
        assertThat(one.getBoolean("ok")).isTrue();
        assertThat(one.getInteger("expectedPods")).isEqualTo(1);

        Outcome two = ShardedRunTest.merge(files(), "--expect-pods", "2");
        assertThat(two.exit()).as(two.out() + two.err()).isEqualTo(1);
        assertThat(two.err()).isEqualTo("load: FAILED: 1 of 2 expected pods answered" + System.lineSeparator());
        JsonObject merged = new JsonObject(two.out().strip());
        assertThat(merged.getBoolean("ok")).isFalse();
        // The summed counts 20 and 0: (10² + 10²) / 10 = 20 with one degree of freedom. The shards' 7, 7 and 6 against
        // 0 would have given 7, 7 and 6, and their average 6.67.
        assertThat(merged.getDouble("chiSquare")).isEqualTo(20.0);
        assertThat(merged.getInteger("degreesOfFreedom")).isEqualTo(1);
        assertThat(merged.getDouble("coefficientOfVariation")).isEqualTo(1.0);
        assertThat(merged.getValue("maxOverMin")).as("20 over 0").isNull();
        assertThat(merged.getDouble("pValue")).isLessThan(0.01);

        Outcome table = LoadClient.run("merge", "--expect-pods", "2", files().get(0).toString(), files().get(1).toString(),
                files().get(2).toString());
        assertThat(table.exit()).isEqualTo(1);
        assertThat(table.out()).startsWith("spread     20 connections to " + target() + ", 4 at a time: 1 of 2 expected "
                + "pods answered\n").contains("\nresult     FAILED: 1 of 2 expected pods answered\n")
                .contains("\nshard 2/3   started +");
    }

    @Test
    void aMissingShardFailsTheMerge() throws Exception {
        runShards();
        Outcome outcome = ShardedRunTest.merge(List.of(files().get(0), files().get(2)), "--expect-shards", "3",
                "--expect-pods", "1");
        assertThat(outcome.exit()).as(outcome.err()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("load: FAILED: shard 1/3 missing" + System.lineSeparator());
        JsonObject merged = new JsonObject(outcome.out().strip());
        assertThat(merged.getBoolean("ok")).isFalse();
        assertThat(merged.getJsonObject("shards").getJsonArray("missing")).containsExactly(1);
        assertThat(merged.getLong("answered")).as("shards 0 and 2: 7 and 6").isEqualTo(13);
    }

    @Test
    void expectPodsIsSpreadsOnly() throws Exception {
        try (BrokenEchoServer server = new BrokenEchoServer(Fault.NONE)) {
            new ShardRuns(dir, SHARDS).run(List.of("bulk", "--target", server.target(), "--progress", "0", "-c", "3",
                    "-s", "1KiB"));
        }
        Outcome outcome = ShardedRunTest.merge(files(), "--expect-pods", "1");
        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("load merge: --expect-pods is spread's; these shards ran bulk");
    }

    @Test
    void connectionsTooFewToSplitAreAUsageError() {
        Outcome outcome = LoadClient.run("spread", "-t", target(), "-c", "2", "--shard", "0/3");
        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).startsWith("load spread: --connections 2 cannot be split into 3 shards: each needs at "
                + "least one");
    }

    /** The shards of {@code spread -c 20 -p 4}, run at once through a barrier; their reports in index order. */
    private List<JsonObject> runShards() throws Exception {
        ShardRuns runs = new ShardRuns(dir, SHARDS);
        for (Outcome outcome : runs.run(command())) {
            assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        }
        return runs.reports();
    }

    private List<File> files() {
        return new ShardRuns(dir, SHARDS).files();
    }

    private List<String> command(String... more) {
        List<String> command = new ArrayList<>(List.of("spread", "-t", target(), "-c", Integer.toString(CONNECTIONS),
                "-p", "4"));
        command.addAll(List.of(more));
        return command;
    }

    private String target() {
        return "127.0.0.1:" + whoami.port();
    }

    private static JsonObject report(Outcome outcome) {
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }
}
