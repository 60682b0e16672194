package io.tcpecho.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

import io.vertx.core.json.JsonObject;

/**
 * What {@code load spread} saw: which pods answered how many connections, how fast each connected, and how evenly
 * the connections were spread, as a table or as JSON. "Even" is tested with Pearson's chi-square against equal
 * shares: a p-value below 0.05 says the spread is more uneven than chance explains. The report of shard I of N counts
 * its share of the connections; {@code load merge} makes the run's report from the shards' tallies added up, its
 * evenness worked out again from the summed counts.
 */
final class SpreadReport {

    private static final double UNEVEN_P = 0.05;

    private final String target;
    private final int connections;
    private final int parallel;
    private final int expectedPods;
    private final Shard shard;
    private final Instant agreedStart;
    private final SpreadTally tally;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private long elapsedNanos;
    /** Why the run failed, said by the merge that made it; null for a run's own verdict. */
    private String runFailure;

    /** A whole run, its tally to come. */
    SpreadReport(String target, int connections, int parallel, int expectedPods) {
        this(target, connections, parallel, expectedPods, Shard.WHOLE, null, new SpreadTally());
    }

    /**
     * @param connections the whole run's, of which this shard opens its share ({@link #opened()})
     * @param parallel the whole run's, of which this shard takes its share, at least 1 ({@link #atATime()})
     * @param agreedStart the instant the shards agreed to start at ({@code --barrier}); null without one
     */
    SpreadReport(String target, int connections, int parallel, int expectedPods, Shard shard, Instant agreedStart,
            SpreadTally tally) {
        this.target = target;
        this.connections = connections;
        this.parallel = parallel;
        this.expectedPods = expectedPods;
        this.shard = shard;
        this.agreedStart = agreedStart;
        this.tally = tally;
    }

    /** The connections this run opens: its shard's share of the whole run's. */
    int opened() {
        return (int) shard.share(connections);
    }

    /** The connections this run has open at a time: its shard's share of the whole run's, at least one. */
    int atATime() {
        return (int) Math.max(1, shard.share(parallel));
    }

    /** One connection's answer: the pod that sent it, its connect time, and the client as that pod saw it. */
    void answered(String pod, long connectNanos, String clientAddress, String proxyVersion) {
        tally.answered(pod, connectNanos, clientAddress, proxyVersion);
    }

    void failed(String why) {
        tally.failed(why);
    }

    /** The last connection is done. */
    synchronized void ended() {
        elapsedNanos = System.nanoTime() - startNanos;
    }

    /**
     * The run failed for {@code reason}, which says all there is: a merge's missing and failed shards and the pods that
     * answered its shards together. Null leaves the run's own verdict.
     */
    synchronized SpreadReport failing(String reason) {
        runFailure = reason;
        return this;
    }

    synchronized boolean ok() {
        return failure() == null;
    }

    /**
     * Why the run failed: connections that got no answer, pods other than {@code --expect-pods} that answered; null
     * when it did not. Without a single answer, only why the connections failed: a count of pods says nothing then.
     */
    synchronized String failure() {
        if (runFailure != null) {
            return runFailure;
        }
        List<String> reasons = new ArrayList<>();
        if (tally.failures() > 0) {
            reasons.add(plural(tally.failures(), "connection") + " failed, first: " + tally.firstFailure());
        }
        String pods = podsUnexpected();
        if (pods != null) {
            reasons.add(pods);
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    /**
     * The pods that answered, said as {@link #podsAnswered()} does, when other than {@code --expect-pods}; null when as
     * many answered, none was expected or none answered.
     */
    String podsUnexpected() {
        int pods = tally.pods();
        return pods > 0 && expectedPods > 0 && pods != expectedPods ? podsAnswered() : null;
    }

    /** {@code 3 pods answered}, {@code 1 of 3 expected pods answered}, {@code 4 pods answered, 3 expected}. */
    private String podsAnswered() {
        int pods = tally.pods();
        if (expectedPods == 0 || pods == expectedPods) {
            return plural(pods, "pod") + " answered";
        }
        return pods < expectedPods ? pods + " of " + expectedPods + " expected pods answered"
                : plural(pods, "pod") + " answered, " + expectedPods + " expected";
    }

    private static String plural(long count, String thing) {
        return count + " " + thing + (count == 1 ? "" : "s");
    }

    /** Connections per pod, with a 0 for each expected pod that did not answer. */
    long[] counts() {
        List<Long> counts = new ArrayList<>(tally.connectByPod().values().stream().map(Histogram::getTotalCount).toList());
        while (counts.size() < expectedPods) {
            counts.add(0L);
        }
        return counts.stream().mapToLong(Long::longValue).toArray();
    }

    /** Largest count over smallest; infinite when an expected pod got none. */
    static double maxOverMin(long[] counts) {
        long max = 0;
        long min = Long.MAX_VALUE;
        for (long count : counts) {
            max = Math.max(max, count);
            min = Math.min(min, count);
        }
        return counts.length == 0 ? Double.NaN : min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
    }

    /** Coefficient of variation of the counts (population standard deviation over mean). */
    static double coefficientOfVariation(long[] counts) {
        double mean = 0;
        for (long count : counts) {
            mean += count;
        }
        mean /= counts.length;
        double variance = 0;
        for (long count : counts) {
            variance += (count - mean) * (count - mean);
        }
        return counts.length == 0 || mean == 0 ? Double.NaN : Math.sqrt(variance / counts.length) / mean;
    }

    /**
     * Pearson's statistic against equal shares, and its p-value with pods - 1 degrees of freedom; NaN for one pod, and
     * for none answering.
     */
    static double[] chiSquare(long[] counts) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        if (counts.length < 2 || total == 0) {
            return new double[] { Double.NaN, Double.NaN };
        }
        double[] even = new double[counts.length];
        Arrays.fill(even, (double) total / counts.length);
        ChiSquareTest test = new ChiSquareTest();
        return new double[] { test.chiSquare(even, counts), test.chiSquareTest(even, counts) };
    }

    synchronized String table() {
        StringBuilder out = new StringBuilder();
        String tried = f("%s to %s, %d at a time%s", plural(opened(), "connection"), target, atATime(),
                shard.isWhole() ? "" : f(" (shard %s of the run's %d)", shard, connections));
        Map<String, Histogram> connectByPod = tally.connectByPod();
        if (connectByPod.isEmpty()) {
            row(out, "spread", tried);
            row(out, "result", "FAILED: " + failure());
            return out.toString();
        }
        long[] counts = counts();
        double[] chi = chiSquare(counts);
        row(out, "spread", tried + ": " + podsAnswered());
        out.append(f("  %-40s %11s %7s %12s %12s%n", "pod", "connections", "share", "connect p50", "connect p99"));
        long answered = tally.answered();
        connectByPod.forEach((pod, connect) -> out.append(f("  %-40s %11d %6.1f%% %12s %12s%n", pod,
                connect.getTotalCount(), 100.0 * connect.getTotalCount() / answered,
                micros(connect.getValueAtPercentile(50)), micros(connect.getValueAtPercentile(99)))));
        if (counts.length >= 2) {
            row(out, "evenness", f("max/min %.2f, CV %.3f, chi-square %.2f (%d df), p = %.3f: %s", maxOverMin(counts),
                    coefficientOfVariation(counts), chi[0], counts.length - 1, chi[1],
                    chi[1] < UNEVEN_P ? "more uneven than chance explains" : "consistent with an even spread"));
        } else {
            row(out, "evenness", "one pod answered: nothing to compare (--expect-pods counts pods that got none)");
        }
        row(out, "clients", f("as the pods saw them: %s; PROXY protocol: %s", tally.clients(), tally.proxy()));
        row(out, "result", ok() ? "OK, every connection answered" : "FAILED: " + failure());
        return out.toString();
    }

    /**
     * The report as JSON: what a {@link LoadResult} has for {@code load merge} (the shard, its start and the one agreed
     * on, the connections it counted, the connect times of all pods as the latency histogram) and spread's figures.
     */
    synchronized String json() {
        long answered = tally.answered();
        return new LoadResult("spread", target, "socket", atATime())
                .parameter("connections", connections)
                .parameter("parallel", parallel)
                .shard(shard).agreedStart(agreedStart).latencyOf("connect")
                .counted(startedAt, startedAt, elapsedNanos, new LoadResult.Counts(0, 0, answered,
                        answered + tally.failures(), tally.failures(), 0), tally.connects())
                .toJson()
                .put("ok", ok())
                .put("failure", failure())
                .mergeIn(figures())
                .encode();
    }

    /**
     * Spread's own fields of the report: its tally ({@link SpreadTally#toJson()}), the connections it opened (each
     * answered or failed) and how many at a time, the pods expected, and how evenly the connections were spread, worked
     * out from the tally.
     */
    synchronized JsonObject figures() {
        long[] counts = counts();
        double[] chi = chiSquare(counts);
        return tally.toJson()
                .put("connections", tally.answered() + tally.failures())
                .put("expectedPods", expectedPods == 0 ? null : expectedPods)
                .put("parallel", atATime())
                .put("maxOverMin", finite(maxOverMin(counts)))
                .put("coefficientOfVariation", finite(coefficientOfVariation(counts)))
                .put("chiSquare", finite(chi[0]))
                .put("degreesOfFreedom", Math.max(0, counts.length - 1))
                .put("pValue", finite(chi[1]));
    }

    /** JSON has no infinity or NaN: null says "not defined". */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String micros(long nanos) {
        return f("%.0f us", TimeUnit.NANOSECONDS.toMicros(nanos) * 1.0);
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(f("%-10s %s%n", name, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
