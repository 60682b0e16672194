package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.tcpecho.testing.FuzzSeeds;

/**
 * The merge of shards' reports has exactly the histogram of all the values the shards recorded, whatever the split,
 * through the reports' JSON as {@code load merge} reads it; and its throughput is over the union of their windows.
 */
class MergedHistogramsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Stream<Named<Long>> seeds() {
        return FuzzSeeds.fixed(1, 2, 3, 4, 5).seeds(MergedHistogramsTest.class);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theMergedHistogramIsTheHistogramOfAllValues(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = random.nextInt(1, 9);
        List<Histogram> shards = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            shards.add(new Histogram(3));
        }
        Histogram all = new Histogram(3);
        int values = random.nextInt(0, 20_000);
        for (int i = 0; i < values; i++) {
            // From 1 us to 10 s, spread over the decades as latencies are.
            long nanos = (long) Math.pow(10, 3 + random.nextDouble() * 7);
            all.recordValue(nanos);
            shards.get(random.nextInt(count)).recordValue(nanos);
        }
        List<ShardReport> reports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            reports.add(report(new Shard(i, count), shards.get(i), T0, Duration.ofSeconds(1)));
        }
        LoadResult merged = new MergedRun(reports, count, new MergeThresholds(), new SteadyBudgets(), null).merged();
        Histogram decoded = Histograms.decode(merged.toJson().getString("latencyHistogram"));
        assertThat(decoded.getTotalCount()).isEqualTo(values);
        for (double percentile : new double[] { 0, 50, 90, 99, 99.9, 100 }) {
            assertThat(decoded.getValueAtPercentile(percentile)).as("p" + percentile)
                    .isEqualTo(all.getValueAtPercentile(percentile));
        }
        assertThat(decoded).isEqualTo(all);
    }

    @Test
    void throughputIsOverTheUnionOfTheWindowsAndTheSkewBetweenStarts() {
        List<ShardReport> reports = List.of(
                report(new Shard(0, 3), new Histogram(3), T0, Duration.ofSeconds(10)),
                report(new Shard(1, 3), new Histogram(3), T0.plusSeconds(5), Duration.ofSeconds(7)),
                report(new Shard(2, 3), new Histogram(3), T0.plusSeconds(20), Duration.ofSeconds(1)));
        MergedRun run = new MergedRun(reports, null, new MergeThresholds(), new SteadyBudgets(), null);
        assertThat(run.merged().seconds()).isEqualTo(13.0);
        assertThat(run.merged().mibPerSecond()).isEqualTo(3.0 / 13);
        assertThat(run.startSkew()).isEqualTo(Duration.ofSeconds(20));
        assertThat(run.failureReason()).isNull();
    }

    /** A shard's JSON report, as the shard prints it: one MiB echoed in its window, and {@code latencies}. */
    private static ShardReport report(Shard shard, Histogram latencies, Instant start, Duration window) {
        LoadResult result = new LoadResult("pingpong", "127.0.0.1:7007", "epoll", 1).parameter("connections", 8)
                .latencyOf("message round trip")
                .merged(start, start, window.toNanos(), new LoadResult.Counts(1 << 20, 1 << 20, 1, 0, 0, 0), latencies)
                .shard(shard);
        return ShardReport.parse("shard " + shard, result.json());
    }
}
