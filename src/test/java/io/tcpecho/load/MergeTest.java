package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tcpecho.load.BrokenEchoServer.Fault;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.vertx.core.json.JsonObject;

/**
 * {@code load merge} on real shards' reports: a missing or failed shard is named and fails the merge, thresholds pass
 * and fail on the merged result, and reports of different runs are not merged.
 */
class MergeTest {

    private static final List<String> BULK = List.of("-c", "6", "-s", "128KiB");

    @TempDir
    Path dir;

    private final List<File> shards = new ArrayList<>();
    private BrokenEchoServer server;

    @BeforeEach
    void runThreeShards() throws Exception {
        server = new BrokenEchoServer(Fault.NONE);
        for (int index = 0; index < 3; index++) {
            shards.add(shard(index, 3, "run"));
        }
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    private File shard(int index, int count, String run) {
        File json = dir.resolve(run + "-" + index + "-of-" + count + ".json").toFile();
        ShardedRunTest.run(server, "bulk", BULK, "--shard", index + "/" + count, "--json", json.toString());
        return json;
    }

    @Test
    void allShardsOkMerge() {
        Outcome merged = merge(shards, "--expect-shards", "3");
        assertThat(merged.exit()).as(merged.err()).isZero();
        assertThat(merged.out()).contains("OK, every echoed byte verified").contains("shards      3 of 3, start skew ")
                .containsPattern("\nshard 0/3   started \\+\\d+\\.\\d ms, .*, OK \\(")
                .containsPattern("\nshard 2/3   started \\+\\d+\\.\\d ms, .*, OK \\(");
    }

    @Test
    void aMissingShardIsNamedAndFailsTheMerge() {
        Outcome merged = merge(List.of(shards.get(0), shards.get(2)), "--expect-shards", "3");
        assertThat(merged.exit()).isEqualTo(1);
        assertThat(merged.err()).isEqualTo("load: FAILED: shard 1/3 missing" + System.lineSeparator());
        assertThat(merged.out()).contains("\nshard 1/3   MISSING").contains("shards      2 of 3");
        JsonObject json = new JsonObject(merge(List.of(shards.get(0)), "--format", "json").out().strip());
        assertThat(json.getBoolean("ok")).isFalse();
        assertThat(json.getString("failure")).isEqualTo("shard 1/3 missing; shard 2/3 missing");
        assertThat(json.getJsonObject("shards").getJsonArray("missing")).containsExactly(1, 2);
        assertThat(json.getLong("connections")).as("the shard given, counted").isEqualTo(2);
    }

    @Test
    void aFailedShardIsNamedAndFailsTheMerge() throws Exception {
        server.misbehave(Fault.CORRUPT_BYTE);
        File failed = shard(1, 3, "failed");
        Outcome merged = merge(List.of(shards.get(0), failed, shards.get(2)), "--format", "json");
        assertThat(merged.exit()).isEqualTo(1);
        assertThat(merged.err()).startsWith("load: FAILED: shard 1/3 failed: ").contains("corrupted at byte 1000");
        JsonObject json = new JsonObject(merged.out().strip());
        assertThat(json.getJsonObject("shards").getJsonArray("failed")).containsExactly(1);
        assertThat(json.getJsonObject("shards").getJsonArray("missing")).isEmpty();
    }

    @Test
    void thresholdsAreJudgedOnTheMergedResult() {
        Outcome met = merge(shards, "--max-p99", "1h", "--min-throughput", "0.001MiB/s", "--max-errors", "0");
        assertThat(met.exit()).as(met.out() + met.err()).isZero();
        assertThat(met.out()).contains("threshold   p99 at most 3600000000 us: ").contains("threshold   throughput at "
                + "least 0.001 MiB/s: ").contains("threshold   errors at most 0: 0, met");
        Outcome slow = merge(shards, "--max-p99", "1us", "--max-errors", "0");
        assertThat(slow.exit()).isEqualTo(1);
        assertThat(slow.err()).startsWith("load: FAILED: p99 at most 1 us: ").endsWith(" us, NOT met" + System.lineSeparator());
        Outcome little = merge(shards, "--min-throughput", "1000000MiB/s");
        assertThat(little.exit()).isEqualTo(1);
        assertThat(little.err()).contains("throughput at least 1000000 MiB/s: ").contains("MiB/s, NOT met");
    }

    @Test
    void reportsAmongOtherLinesAreRead() throws Exception {
        Path logs = dir.resolve("logs.txt");
        StringBuilder text = new StringBuilder();
        for (File shard : shards) {
            text.append("[   1.0s] bulk: 1.0 MiB/s echoed\n").append(Files.readString(shard.toPath()));
        }
        Files.writeString(logs, text);
        Outcome merged = merge(List.of(logs.toFile()), "--format", "json");
        assertThat(merged.exit()).as(merged.err()).isZero();
        assertThat(new JsonObject(merged.out().strip()).getLong("connections")).isEqualTo(6);
    }

    @Test
    void shardsOfDifferentRunsAreNotMerged() throws Exception {
        Outcome twice = merge(List.of(shards.get(0), shards.get(0)));
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).startsWith("load merge: shard 0/3 is given twice: ");
        File otherCount = shard(1, 2, "other");
        Outcome mixed = merge(List.of(shards.get(0), otherCount));
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).contains(" is shard 1/2, not one of 3 shards");
        Path notAReport = dir.resolve("not-a-report.json");
        Files.writeString(notAReport, "{\"workload\": \"bulk\"}\n");
        Outcome bad = merge(List.of(notAReport.toFile()));
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("load merge: " + notAReport + ": not a shard's report");
    }

    private static Outcome merge(List<File> files, String... options) {
        List<String> args = new ArrayList<>(List.of("merge"));
        args.addAll(List.of(options));
        files.forEach(file -> args.add(file.toString()));
        return LoadClient.run(args.toArray(String[]::new));
    }
}
