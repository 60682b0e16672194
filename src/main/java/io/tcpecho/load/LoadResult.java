package io.tcpecho.load;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonObject;

/**
 * What a run measured, printed as a table or as JSON. The JSON has what {@code load merge} needs to add shards' results
 * exactly: the counts, the measured window on the wall clock, and the latencies as HdrHistogram's compressed encoding.
 */
final class LoadResult implements RunReport {

    static final String BYTES_SENT_WHILE_FLOODING = "bytesSentWhileFlooding";
    /** Parameters that are counts a run measured rather than its settings: a merge adds them up. */
    static final Set<String> COUNTED_PARAMETERS = Set.of(BYTES_SENT_WHILE_FLOODING);

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
    /** The fault every connection had to meet (--expect), described; null for none. */
    private String expected;
    private long asExpected;
    private Histogram latency = new Histogram(3);
    /** The slice of a run this is; null for the merge of a run's shards. */
    private Shard shard = Shard.WHOLE;
    private Instant startedAt = Instant.now();
    private Instant windowStart = startedAt;
    /** The instant the shards agreed to start at ({@code --barrier}); null when the run started on its own. */
    private Instant agreedStart;

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
        return expecting(expectation == null ? null : expectation.describe());
    }

    /** The fault every connection had to meet, as {@link FaultExpectation#describe()} says it, or null. */
    LoadResult expecting(String described) {
        this.expected = described;
        return this;
    }

    LoadResult shard(Shard slice) {
        this.shard = slice;
        return this;
    }

    LoadResult agreedStart(Instant instant) {
        this.agreedStart = instant;
        return this;
    }

    LoadResult latencyOf(String what) {
        latencyOf = what;
        return this;
    }

    /**
     * Takes the totals of the run, measured from {@code beginNanos} ({@link System#nanoTime()}) for
     * {@code elapsedNanos}; {@link #window} may then narrow them to the measured interval.
     */
    LoadResult measured(LoadRun run, long beginNanos, long elapsedNanos, Histogram latency) {
        this.startedAt = run.startedAt;
        this.windowStart = run.instantOf(beginNanos);
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

    /** What shards measured together ({@code load merge}), from {@code window} for {@code elapsed} nanoseconds. */
    LoadResult merged(Instant started, Instant window, long elapsed, Counts sums, Histogram latencies) {
        this.shard = null;
        return counted(started, window, elapsed, sums, latencies);
    }

    /**
     * What a run counted itself rather than through a {@link LoadRun}'s counters ({@code udp}, or a merge), measured
     * from {@code window} for {@code elapsed} nanoseconds.
     */
    LoadResult counted(Instant started, Instant window, long elapsed, Counts sums, Histogram latencies) {
        this.startedAt = started;
        this.windowStart = window;
        this.elapsedNanos = elapsed;
        this.bytesSent = sums.bytesSent();
        this.bytesEchoed = sums.bytesEchoed();
        this.messages = sums.messages();
        this.connections = sums.connections();
        this.errors = sums.errors();
        this.asExpected = sums.asExpected();
        this.latency = latencies;
        return this;
    }

    /** The run failed, for {@code reason}, though every connection may have done well (a merge's missing shard). */
    LoadResult failing(String reason) {
        this.failure = reason;
        return this;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** The counts of a result, which add up over shards. */
    record Counts(long bytesSent, long bytesEchoed, long messages, long connections, long errors, long asExpected) {

        static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

        Counts plus(Counts other) {
            return new Counts(bytesSent + other.bytesSent, bytesEchoed + other.bytesEchoed, messages + other.messages,
                    connections + other.connections, errors + other.errors, asExpected + other.asExpected);
        }
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

    long errors() {
        return errors;
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

    /** The latency at {@code percentile} (0 to 100), in microseconds; 0 without samples. */
    double micros(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    @Override
    public String table() {
        StringBuilder out = new StringBuilder();
        row(out, "workload", workload + " against " + target + " (client: " + transport + ", " + threads + " threads)");
        StringBuilder params = new StringBuilder();
        parameters.forEach((k, v) -> params.append(params.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        row(out, "parameters", params.toString());
        if (shard != null && !shard.isWhole()) {
            row(out, "shard", shard + ": this process ran its share of the connections");
        }
        row(out, "measured", f("%.2f s", seconds()));
        row(out, "throughput", f("%.1f MiB/s echoed, %.0f msgs/s, %.1f conns/s", mibPerSecond(), messagesPerSecond(),
                connectionsPerSecond()));
        row(out, "totals", f("%d bytes echoed in the measured interval, %d messages, %d connections", bytesEchoed,
                messages, connections));
        row(out, "latency", f("p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%d samples of %s)", us(50), us(90), us(99),
                us(99.9), us(100), latency.getTotalCount(), latencyOf));
        row(out, "errors", Long.toString(errors));
        if (expected != null) {
            row(out, "expected", f("%s: %d connections met it", expected, asExpected));
        }
        row(out, "result", !ok() ? "FAILED: " + failure : expected != null
                ? "OK, every connection met the expected fault (" + expected + ")" : "OK, every echoed byte verified");
        return out.toString();
    }

    private String us(double percentile) {
        double value = micros(percentile);
        return value >= 10_000 ? f("%.1f ms", value / 1000) : f("%.0f us", value);
    }

    @Override
    public String json() {
        return toJson().encode();
    }

    JsonObject toJson() {
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
                .put("expected", expected == null ? null : new JsonObject().put("fault", expected)
                        .put("connections", asExpected))
                .put("shard", shard == null ? null : new JsonObject().put("index", shard.index()).put("count", shard.count()))
                .put("startedAt", startedAt.toString())
                .put("agreedStart", agreedStart == null ? null : agreedStart.toString())
                .put("window", new JsonObject().put("start", windowStart.toString()).put("nanos", elapsedNanos))
                .put("latencyHistogram", Histograms.encode(latency));
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-11s %s%n", name, value));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** {@code value} to three decimals, without a fraction when it has none: 2000, 2512.5. */
    static String number(double value) {
        double rounded = round(value);
        return rounded == (long) rounded ? Long.toString((long) rounded) : Double.toString(rounded);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

}
