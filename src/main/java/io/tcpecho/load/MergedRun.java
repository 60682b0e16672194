package io.tcpecho.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The shards of one run merged exactly ({@code load merge}): latency histograms added, counts summed, throughput over
 * the union of the shards' measured windows, per-second timelines summed ({@link MergedTimeline}); a row per shard, the
 * skew of their starts, every shard missing or failed against the expected count, and the thresholds judged on the
 * merged result, with {@code steady}'s figures merged ({@link MergedSteady}) and its budgets judged on them, and
 * {@code spread}'s tallies added ({@link MergedSpread}) and its expected pods judged on them. It fails when a shard is
 * missing or failed, a threshold or budget is not met, or other pods than expected answered.
 */
final class MergedRun implements RunReport {

    private final int expectedShards;
    private final Map<Integer, ShardReport> shards = new TreeMap<>();
    private final LoadResult merged;
    private final JsonArray thresholds;
    private final List<String> problems = new ArrayList<>();
    private final List<JsonObject> timeline;
    /** The merged run as steady reports it; null for other workloads. */
    private final SteadyReport steady;
    /** What udp counts besides, merged; null for other workloads. */
    private final JsonObject udp;
    /** The merged run as spread reports it; null for other workloads. */
    private final SpreadReport spread;

    /**
     * @param reports one a shard, all of the same run: an IllegalArgumentException says which are not
     * @param expectedShards the shards the run has; null for the count the reports give
     * @param budgets steady's budgets; an IllegalArgumentException when they are given for another workload
     * @param expectedPods spread's {@code --expect-pods}, null when not given; an IllegalArgumentException when it is
     *        given for another workload
     */
    MergedRun(List<ShardReport> reports, Integer expectedShards, MergeThresholds judge, SteadyBudgets budgets,
            Integer expectedPods) {
        if (reports.isEmpty() && expectedShards == null) {
            throw new IllegalArgumentException("no shard reports given, and no --expect-shards");
        }
        this.expectedShards = expectedShards != null ? expectedShards : reports.get(0).shard().count();
        for (ShardReport report : reports) {
            sameRun(report);
            ShardReport twice = shards.put(report.shard().index(), report);
            if (twice != null) {
                throw new IllegalArgumentException("shard " + report.shard() + " is given twice: " + twice.source()
                        + " and " + report.source());
            }
        }
        for (int index = 0; index < this.expectedShards; index++) {
            ShardReport shard = shards.get(index);
            if (shard == null) {
                problems.add("shard " + index + "/" + this.expectedShards + " missing");
            } else if (!shard.ok()) {
                problems.add("shard " + shard.shard() + " failed: " + shard.failure());
            }
        }
        merged = merge();
        thresholds = judge.check(merged);
        thresholds.stream().map(JsonObject.class::cast).filter(check -> !check.getBoolean("met"))
                .forEach(check -> problems.add(MergeThresholds.describe(check)));
        timeline = MergedTimeline.of(shards.values());
        steady = steady(budgets);
        udp = "udp".equals(workload()) ? MergedUdp.figures(shards.values()) : null;
        spread = spread(expectedPods);
        if (!problems.isEmpty()) {
            merged.failing(String.join("; ", problems));
        }
        if (spread != null) {
            spread.failing(failureReason());
        }
    }

    /** The run as spread reports it, {@code --expect-pods} judged on it; null unless the shards ran spread. */
    private SpreadReport spread(Integer expectedPods) {
        if (!"spread".equals(workload())) {
            if (expectedPods != null) {
                throw new IllegalArgumentException("--expect-pods is spread's; these shards ran " + workload());
            }
            return null;
        }
        SpreadReport report = MergedSpread.of(shards.values(), expectedPods == null ? 0 : expectedPods);
        String pods = report.podsUnexpected();
        if (pods != null) {
            problems.add(pods);
        }
        return report;
    }

    /** The run as steady reports it, its budgets judged on the merged figures; null unless the shards ran steady. */
    private SteadyReport steady(SteadyBudgets budgets) {
        if (!"steady".equals(workload())) {
            if (budgets.any()) {
                throw new IllegalArgumentException("budgets (--max-failed-connects, --max-outage, --max-lost-bytes, "
                        + "--max-broken) are steady's; these shards ran " + workload());
            }
            return null;
        }
        JsonObject summary = MergedSteady.summary(shards.values(), merged.startedAt());
        JsonArray checked = budgets.check(summary);
        String exceeded = SteadyBudgets.exceeded(checked);
        if (exceeded != null) {
            problems.add(exceeded);
        }
        return new SteadyReport(merged, summary, timeline, checked, failureReason());
    }

    /** The workload the shards ran; null when no shard reported. */
    private String workload() {
        return shards.isEmpty() ? null : shards.values().iterator().next().json().getString("workload");
    }

    /** Stops the merge unless {@code report} is a shard of the same run as the others (and the expected count). */
    private void sameRun(ShardReport report) {
        if (report.shard().count() != expectedShards) {
            throw new IllegalArgumentException(report.source() + " is shard " + report.shard() + ", not one of "
                    + expectedShards + " shards");
        }
        ShardReport first = shards.values().stream().findFirst().orElse(null);
        if (first == null) {
            return;
        }
        for (String field : List.of("workload", "target")) {
            if (!Objects.equals(first.json().getValue(field), report.json().getValue(field))) {
                throw new IllegalArgumentException("shards of different runs: " + field + " is "
                        + first.json().getValue(field) + " in " + first.source() + " and " + report.json().getValue(field)
                        + " in " + report.source());
            }
        }
        JsonObject settings = settings(first);
        if (!settings.equals(settings(report))) {
            throw new IllegalArgumentException("shards of different runs: the parameters are " + settings + " in "
                    + first.source() + " and " + settings(report) + " in " + report.source());
        }
    }

    private static JsonObject settings(ShardReport report) {
        JsonObject settings = report.json().getJsonObject("parameters").copy();
        LoadResult.COUNTED_PARAMETERS.forEach(settings::remove);
        return settings;
    }

    private LoadResult.Counts sums() {
        return shards.values().stream().map(ShardReport::counts).reduce(LoadResult.Counts.NONE, LoadResult.Counts::plus);
    }

    private LoadResult merge() {
        if (shards.isEmpty()) {
            Instant now = Instant.now();
            return new LoadResult("(none)", "(none)", "none", 0).merged(now, now, 0, LoadResult.Counts.NONE,
                    new Histogram(3));
        }
        JsonObject first = shards.values().iterator().next().json();
        Set<String> transports = new LinkedHashSet<>();
        int threads = 0;
        Histogram latency = new Histogram(3);
        for (ShardReport shard : shards.values()) {
            transports.add(shard.json().getString("clientTransport"));
            threads += shard.json().getInteger("clientThreads");
            latency.add(shard.latency());
        }
        LoadResult result = new LoadResult(first.getString("workload"), first.getString("target"),
                String.join("/", transports), threads);
        first.getJsonObject("parameters").forEach(parameter -> result.parameter(parameter.getKey(),
                LoadResult.COUNTED_PARAMETERS.contains(parameter.getKey()) ? counted(parameter.getKey())
                        : parameter.getValue()));
        JsonObject expected = first.getJsonObject("expected");
        result.latencyOf(first.getJsonObject("latencyMicros").getString("of"))
                .expecting(expected == null ? null : expected.getString("fault"));
        Instant started = shards.values().stream().map(ShardReport::startedAt).min(Comparator.naturalOrder()).get();
        Instant windowStart = shards.values().stream().map(ShardReport::windowStart).min(Comparator.naturalOrder()).get();
        return result.merged(started, windowStart, windowUnion().toNanos(), sums(), latency);
    }

    private long counted(String parameter) {
        return shards.values().stream().mapToLong(shard -> shard.json().getJsonObject("parameters").getLong(parameter))
                .sum();
    }

    /** How long at least one shard was measuring: the union of the shards' windows. */
    private Duration windowUnion() {
        List<ShardReport> byStart = shards.values().stream().sorted(Comparator.comparing(ShardReport::windowStart))
                .toList();
        Duration union = Duration.ZERO;
        Instant coveredTo = Instant.MIN;
        for (ShardReport shard : byStart) {
            Instant from = shard.windowStart().isAfter(coveredTo) ? shard.windowStart() : coveredTo;
            if (shard.windowEnd().isAfter(from)) {
                union = union.plus(Duration.between(from, shard.windowEnd()));
                coveredTo = shard.windowEnd();
            }
        }
        return union;
    }

    /** How far apart the shards started: the latest start less the earliest. */
    Duration startSkew() {
        return shards.isEmpty() ? Duration.ZERO : Duration.between(merged.startedAt(),
                shards.values().stream().map(ShardReport::startedAt).max(Comparator.naturalOrder()).get());
    }

    LoadResult merged() {
        return merged;
    }

    @Override
    public String failureReason() {
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    @Override
    public String table() {
        StringBuilder out = new StringBuilder(steady != null ? steady.table()
                : spread != null ? spread.table() : merged.table());
        if (udp != null) {
            row(out, "udp", MergedUdp.describe(udp));
        }
        if (!timeline.isEmpty()) {
            row(out, "timeline", timeline.size() + (timeline.size() == 1 ? " second" : " seconds")
                    + ", each the sum of the shards' (in the JSON report)");
        }
        row(out, "shards", String.format(Locale.ROOT, "%d of %d, start skew %.1f ms", shards.size(), expectedShards,
                startSkew().toNanos() / 1e6));
        for (int index = 0; index < expectedShards; index++) {
            ShardReport shard = shards.get(index);
            row(out, "shard " + index + "/" + expectedShards, shard == null ? "MISSING" : describe(shard));
        }
        thresholds.stream().map(JsonObject.class::cast).forEach(check -> row(out, "threshold", MergeThresholds.describe(check)));
        return out.toString();
    }

    private String describe(ShardReport shard) {
        JsonObject json = shard.json();
        return String.format(Locale.ROOT, "started +%.1f ms, %.2f s, %.1f MiB/s, %.0f msgs/s, %.1f conns/s, p99 %.0f us, "
                + "%d errors, %s (%s)", offsetMillis(shard), json.getDouble("seconds"), json.getDouble("mibPerSecond"),
                json.getDouble("messagesPerSecond"), json.getDouble("connectionsPerSecond"),
                json.getJsonObject("latencyMicros").getDouble("p99"), json.getLong("errors"),
                shard.ok() ? "OK" : "FAILED: " + shard.failure(), shard.source());
    }

    private double offsetMillis(ShardReport shard) {
        return Duration.between(merged.startedAt(), shard.startedAt()).toNanos() / 1e6;
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "%-11s %s%n", name, value));
    }

    @Override
    public String json() {
        JsonArray rows = new JsonArray();
        shards.values().forEach(shard -> rows.add(new JsonObject()
                .put("index", shard.shard().index())
                .put("source", shard.source())
                .put("ok", shard.ok())
                .put("failure", shard.failure())
                .put("startOffsetMillis", offsetMillis(shard))
                .put("seconds", shard.json().getDouble("seconds"))
                .put("mibPerSecond", shard.json().getDouble("mibPerSecond"))
                .put("messagesPerSecond", shard.json().getDouble("messagesPerSecond"))
                .put("connectionsPerSecond", shard.json().getDouble("connectionsPerSecond"))
                .put("p99Micros", shard.json().getJsonObject("latencyMicros").getDouble("p99"))
                .put("errors", shard.json().getLong("errors"))));
        List<Integer> missing = new ArrayList<>();
        for (int index = 0; index < expectedShards; index++) {
            if (!shards.containsKey(index)) {
                missing.add(index);
            }
        }
        JsonObject json = steady != null ? steady.toJson() : merged.toJson();
        if (udp != null) {
            json.mergeIn(udp);
        }
        if (spread != null) {
            json.mergeIn(spread.figures());
        }
        if (!timeline.isEmpty()) {
            json.put("timeline", new JsonArray(new ArrayList<>(timeline)));
        }
        return json
                .put("shards", new JsonObject()
                        .put("expected", expectedShards)
                        .put("given", shards.size())
                        .put("missing", new JsonArray(missing))
                        .put("failed", new JsonArray(shards.values().stream().filter(shard -> !shard.ok())
                                .map(shard -> shard.shard().index()).collect(Collectors.toList())))
                        .put("startSkewMillis", startSkew().toNanos() / 1e6)
                        .put("rows", rows))
                .put("thresholds", thresholds)
                .encode();
    }
}
