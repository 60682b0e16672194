package io.tcpecho.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

import io.vertx.core.json.JsonObject;

/**
 * What {@code load spread} saw: which pods answered how many connections, how fast each connected, and how evenly
 * the connections were spread, as a table or as JSON. "Even" is tested with Pearson's chi-square against equal
 * shares: a p-value below 0.05 says the spread is more uneven than chance explains.
 */
final class SpreadReport {

    private static final double UNEVEN_P = 0.05;

    private final String target;
    private final int connections;
    private final int parallel;
    private final Map<String, Histogram> connectByPod = new TreeMap<>();
    private final Map<String, Integer> clients = new TreeMap<>();
    private final Map<String, Integer> proxy = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private final int expectedPods;

    SpreadReport(String target, int connections, int parallel, int expectedPods) {
        this.target = target;
        this.connections = connections;
        this.parallel = parallel;
        this.expectedPods = expectedPods;
    }

    /** One connection's answer: the pod that sent it, its connect time, and the client as that pod saw it. */
    synchronized void answered(String pod, long connectNanos, String clientAddress, String proxyVersion) {
        connectByPod.computeIfAbsent(pod, p -> new Histogram(3)).recordValue(Math.max(1, connectNanos));
        clients.merge(clientAddress, 1, Integer::sum);
        proxy.merge(proxyVersion, 1, Integer::sum);
    }

    synchronized void failed(String why) {
        failures.add(why);
    }

    synchronized boolean ok() {
        return failure() == null;
    }

    /**
     * Why the run failed: connections that got no answer, pods other than {@code --expect-pods} that answered; null
     * when it did not. Without a single answer, only why the connections failed: a count of pods says nothing then.
     */
    synchronized String failure() {
        List<String> reasons = new ArrayList<>();
        if (!failures.isEmpty()) {
            reasons.add(plural(failures.size(), "connection") + " failed, first: " + failures.get(0));
        }
        if (!connectByPod.isEmpty() && expectedPods > 0 && connectByPod.size() != expectedPods) {
            reasons.add(podsAnswered());
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    /** {@code 3 pods answered}, {@code 1 of 3 expected pods answered}, {@code 4 pods answered, 3 expected}. */
    private String podsAnswered() {
        int pods = connectByPod.size();
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
    synchronized long[] counts() {
        List<Long> counts = new ArrayList<>(connectByPod.values().stream().map(Histogram::getTotalCount).toList());
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
        String tried = f("%s to %s, %d at a time", plural(connections, "connection"), target, parallel);
        if (connectByPod.isEmpty()) {
            row(out, "spread", tried);
            row(out, "result", "FAILED: " + failure());
            return out.toString();
        }
        long[] counts = counts();
        double[] chi = chiSquare(counts);
        row(out, "spread", tried + ": " + podsAnswered());
        out.append(f("  %-40s %11s %7s %12s %12s%n", "pod", "connections", "share", "connect p50", "connect p99"));
        long answered = connectByPod.values().stream().mapToLong(Histogram::getTotalCount).sum();
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
        row(out, "clients", f("as the pods saw them: %s; PROXY protocol: %s", clients, proxy));
        row(out, "result", ok() ? "OK, every connection answered" : "FAILED: " + failure());
        return out.toString();
    }

    synchronized String json() {
        long[] counts = counts();
        double[] chi = chiSquare(counts);
        JsonObject pods = new JsonObject();
        connectByPod.forEach((pod, connect) -> pods.put(pod, new JsonObject()
                .put("connections", connect.getTotalCount())
                .put("connectMicrosP50", connect.getValueAtPercentile(50) / 1000.0)
                .put("connectMicrosP99", connect.getValueAtPercentile(99) / 1000.0)));
        return new JsonObject()
                .put("workload", "spread")
                .put("target", target)
                .put("ok", ok())
                .put("failure", failure())
                .put("connections", connections)
                .put("expectedPods", expectedPods == 0 ? null : expectedPods)
                .put("parallel", parallel)
                .put("answered", connectByPod.values().stream().mapToLong(Histogram::getTotalCount).sum())
                .put("failures", failures.size())
                .put("firstFailure", failures.isEmpty() ? null : failures.get(0))
                .put("pods", pods)
                .put("maxOverMin", finite(maxOverMin(counts)))
                .put("coefficientOfVariation", finite(coefficientOfVariation(counts)))
                .put("chiSquare", finite(chi[0]))
                .put("degreesOfFreedom", Math.max(0, counts.length - 1))
                .put("pValue", finite(chi[1]))
                .put("clients", new JsonObject(new TreeMap<String, Object>(clients)))
                .put("proxyProtocol", new JsonObject(new TreeMap<String, Object>(proxy)))
                .encode();
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
