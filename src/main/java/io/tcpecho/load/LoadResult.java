package io.tcpecho.load;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonObject;

/** What a run measured, printed as a table or as JSON. */
final class LoadResult implements RunReport {

    private static final double MIB = 1024.0 * 1024.0;

    private final String workload;
    private final String target;
    private final String transport;
    private final int threads;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private String latencyOf = "";
    private long elapsedNanos;
    private long bytesSent;
    private long bytesEchoed;
    private long messages;
    private long connections;
    private long errors;
    private String failure;
    private FaultExpectation expected;
    private long asExpected;
    private Histogram latency = new Histogram(3);

    LoadResult(String workload, String target, String transport, int threads) {
        this.workload = workload;
        this.target = target;
        this.transport = transport;
        this.threads = threads;
    }

    LoadResult parameter(String name, Object value) {
        parameters.put(name, value);
        return this;
    }

    /** The fault every connection had to meet (--expect), or null. */
    LoadResult expecting(FaultExpectation expectation) {
        this.expected = expectation;
        return this;
    }

    LoadResult latencyOf(String what) {
        latencyOf = what;
        return this;
    }

    /** Takes the totals of the run; {@link #window} may then narrow them to the measured interval. */
    LoadResult measured(LoadRun run, long elapsedNanos, Histogram latency) {
        this.elapsedNanos = elapsedNanos;
        this.bytesSent = run.bytesSent.sum();
        this.bytesEchoed = run.bytesReceived.sum();
        this.messages = run.messages.sum();
        this.connections = run.connectionsDone.sum();
        this.errors = run.errors.sum();
        this.failure = run.failure();
        this.asExpected = run.asExpected.sum();
        this.latency = latency;
        return this;
    }

    LoadResult window(long messages, long bytesEchoed, long connections) {
        this.messages = messages;
        this.bytesEchoed = bytesEchoed;
        this.connections = connections;
        return this;
    }

    boolean ok() {
        return failure == null && errors == 0;
    }

    @Override
    public String failureReason() {
        return ok() ? null : String.valueOf(failure);
    }

    double seconds() {
        return elapsedNanos / 1e9;
    }

    double mibPerSecond() {
        return rate(bytesEchoed / MIB);
    }

    double messagesPerSecond() {
        return rate(messages);
    }

    double connectionsPerSecond() {
        return rate(connections);
    }

    private double rate(double amount) {
        return elapsedNanos <= 0 ? 0 : amount / seconds();
    }

    private double micros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    @Override
    public String table() {
        StringBuilder out = new StringBuilder();
        row(out, "workload", workload + " against " + target + " (client: " + transport + ", " + threads + " threads)");
        StringBuilder params = new StringBuilder();
        parameters.forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        row(out, "parameters", params.toString());
        row(out, "measured", f("%.2f s", seconds()));
        row(out, "throughput", f("%.1f MiB/s echoed, %.0f msgs/s, %.1f conns/s", mibPerSecond(), messagesPerSecond(),
                connectionsPerSecond()));
        row(out, "totals", f("%d bytes echoed in the measured interval, %d messages, %d connections", bytesEchoed,
                messages, connections));
        row(out, "latency", f("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%d samples of %s)", us(50), us(90), us(99),
                us(99.9), us(100), latency.getTotalCount(), latencyOf));
        row(out, "errors", Long.toString(errors));
        if (expected != null) {
            row(out, "expected", f("%s: %d connections met it", expected.describe(), asExpected));
        }
        row(out, "result", !ok() ? "FAILED: " + failure : expected != null
                ? "OK, every connection met the expected fault (" + expected.describe() + ")" : "OK, every echoed byte verified");
        return out.toString();
    }

    private String us(double percentile) {
        double value = micros(percentile);
        return value >= 10_000 ? f("%.1f ms", value / 1000) : f("%.0f us", value);
    }

    @Override
    public String json() {
        return new JsonObject()
                .put("workload", workload)
                .put("target", target)
                .put("ok", ok())
                .put("failure", failure)
                .put("parameters", new JsonObject(parameters))
                .put("clientTransport", transport)
                .put("clientThreads", threads)
                .put("seconds", round(seconds()))
                .put("bytesSent", bytesSent)
                .put("bytesEchoed", bytesEchoed)
                .put("mibPerSecond", round(mibPerSecond()))
                .put("messages", messages)
                .put("messagesPerSecond", round(messagesPerSecond()))
                .put("connections", connections)
                .put("connectionsPerSecond", round(connectionsPerSecond()))
                .put("latencyMicros", new JsonObject()
                        .put("of", latencyOf)
                        .put("count", latency.getTotalCount())
                        .put("p50", round(micros(50)))
                        .put("p90", round(micros(90)))
                        .put("p99", round(micros(99)))
                        .put("p99_9", round(micros(99.9)))
                        .put("max", round(micros(100)))
                        .put("mean", round(latency.getTotalCount() == 0 ? 0 : latency.getMean() / 1000.0)))
                .put("errors", errors)
                .put("expected", expected == null ? null : new JsonObject().put("fault", expected.describe())
                        .put("connections", asExpected))
                .encode();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-11s %s%n", name, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

}
