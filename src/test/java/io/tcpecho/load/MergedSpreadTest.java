package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.tcpecho.testing.FuzzSeeds;
import io.vertx.core.json.JsonObject;

/**
 * The merge of {@code spread} shards' reports, through their JSON as {@code load merge} reads it: each pod's
 * connections are the shards' summed and its connect percentiles those of all its connect times, and the evenness
 * (max/min, coefficient of variation, chi-square and its p-value) is that of the summed counts, worked out here by hand,
 * not the shards' figures averaged.
 */
class MergedSpreadTest {

    static Stream<Named<Long>> seeds() {
        return FuzzSeeds.fixed(1, 2, 3, 4, 5).seeds(MergedSpreadTest.class);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theMergedEvennessIsThatOfTheSummedCounts(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int pods = random.nextInt(2, 6);
        int shards = random.nextInt(2, 6);
        int connections = random.nextInt(100, 600);
        long[] sums = new long[pods];
        List<Histogram> connects = new ArrayList<>();
        for (int pod = 0; pod < pods; pod++) {
            connects.add(new Histogram(3));
        }
        List<ShardReport> reports = new ArrayList<>();
        for (int index = 0; index < shards; index++) {
            SpreadReport shard = new SpreadReport("lb:8008", connections, 8, 0, new Shard(index, shards), null,
                    new SpreadTally());
            for (int k = 0; k < shard.opened(); k++) {
                // Pod p is p + 1 times as likely as pod 0: uneven enough that chance does not explain it.
                int pod = (int) Math.floor((Math.sqrt(1 + 4.0 * random.nextDouble() * pods * (pods + 1)) - 1) / 2);
                long nanos = random.nextLong(10_000, 10_000_000);
                sums[pod]++;
                connects.get(pod).recordValue(nanos);
                shard.answered("pod-" + pod, nanos, "203.0.113." + index, "v2");
            }
            shard.ended();
            reports.add(ShardReport.parse("shard-" + index + ".json", shard.json()));
        }

        // Every pod expected: one that answered none counts as 0, as in the sums.
        JsonObject merged = new JsonObject(new MergedRun(reports, null, new MergeThresholds(), new SteadyBudgets(), pods)
                .json());

        assertThat(merged.getLong("answered")).isEqualTo(connections);
        assertThat(merged.getLong("connections")).isEqualTo(connections);
        assertThat(merged.getJsonObject("clients").getMap()).hasSize(shards);
        assertThat(merged.getJsonObject("proxyProtocol").getLong("v2")).isEqualTo(connections);
        for (int pod = 0; pod < pods; pod++) {
            JsonObject row = merged.getJsonObject("pods").getJsonObject("pod-" + pod);
            if (sums[pod] == 0) {
                assertThat(row).as("pod-%d answered none", pod).isNull();
                continue;
            }
            assertThat(row.getLong("connections")).as("pod-%d", pod).isEqualTo(sums[pod]);
            assertThat(row.getDouble("connectMicrosP50")).isEqualTo(connects.get(pod).getValueAtPercentile(50) / 1000.0);
            assertThat(row.getDouble("connectMicrosP99")).isEqualTo(connects.get(pod).getValueAtPercentile(99) / 1000.0);
        }

        double mean = (double) connections / pods;
        double squares = 0;
        long max = 0;
        long min = Long.MAX_VALUE;
        for (long count : sums) {
            squares += (count - mean) * (count - mean);
            max = Math.max(max, count);
            min = Math.min(min, count);
        }
        double chiSquare = squares / mean;
        assertThat(merged.getDouble("chiSquare")).isCloseTo(chiSquare, within(1e-9 * chiSquare));
        assertThat(merged.getInteger("degreesOfFreedom")).isEqualTo(pods - 1);
        assertThat(merged.getDouble("pValue")).isCloseTo(
                1 - new ChiSquaredDistribution(pods - 1).cumulativeProbability(chiSquare), within(1e-9));
        assertThat(merged.getDouble("coefficientOfVariation")).isCloseTo(Math.sqrt(squares / pods) / mean, within(1e-12));
        assertThat(merged.getDouble("maxOverMin")).isEqualTo(min == 0 ? null : (double) max / min);

        double shardsAveraged = reports.stream().mapToDouble(report -> report.json().getDouble("chiSquare")).average()
                .orElseThrow();
        assertThat(chiSquare).as("the shards' chi-squares averaged are another figure").isNotCloseTo(shardsAveraged,
                within(0.01 * chiSquare));
    }
}
