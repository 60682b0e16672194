package io.tcpecho.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The figures of a {@code steady} run's shards merged into the run's, in the form of {@link SteadyLedger#summary()}, so
 * that the run's budgets are judged on them and {@link SteadyReport} shows them. Counts are summed, round trips and
 * reconnect times added as histograms, the longest echo gap is the longest of any shard. Times are from the earliest
 * shard's start, on the wall clock.
 * <p>
 * Established connections are all up only while every shard's are: their outage windows are the union of the shards',
 * from the moment the last shard's were all up (before it, the run had never had all up). New connections are out in
 * the union of the shards' windows: a shard's window lasts from its failed attempt to its own next success, so where
 * another shard connected meanwhile the merge counts as out what one process would have counted as up. The merged
 * outage of new connections is thus at most that much longer than the whole run's, never shorter.
 */
final class MergedSteady {

    private final Collection<ShardReport> shards;
    private final Instant start;
    private final long end;

    private MergedSteady(Collection<ShardReport> shards, Instant start) {
        this.shards = shards;
        this.start = start;
        this.end = shards.stream().mapToLong(shard -> at(shard.startedAt()) + nanos(shard.json().getDouble("seconds")))
                .max().orElse(0);
    }

    /** The shards' figures merged, from {@code start} (the earliest shard's). */
    static JsonObject summary(Collection<ShardReport> shards, Instant start) {
        return new MergedSteady(shards, start).summary();
    }

    private JsonObject summary() {
        long messages = sum(json -> json.getLong("messages"));
        return new JsonObject()
                .put("startedAt", start.toString())
                .put("seconds", SteadyLedger.seconds(end))
                .put("connectionsOpened", sum(json -> json.getLong("connectionsOpened")))
                .put("ended", counts(json -> json.getJsonObject("ended")))
                .put("broken", sum(json -> json.getLong("broken")))
                .put("lostBytes", sum(json -> json.getLong("lostBytes")))
                .put("brokenConnections", brokenConnections())
                .put("failedConnects", new JsonObject()
                        .put("total", sum(json -> json.getJsonObject("failedConnects").getLong("total")))
                        .put("byCause", counts(json -> json.getJsonObject("failedConnects").getJsonObject("byCause"))))
                .put("messages", messages)
                .put("newConnections", newConnections())
                .put("establishedConnections", establishedConnections())
                .put("retransmits", retransmits())
                .put("longestEchoGapMillis", shards.stream()
                        .mapToDouble(shard -> shard.json().getDouble("longestEchoGapMillis")).max().orElse(0))
                .put("reconnectMillis", SteadyLedger.reconnectFigures(histogram(shard -> Histograms.decode(
                        shard.json().getJsonObject("reconnectMillis").getString("histogram")))))
                .put("rttMicros", SteadyLedger.roundTripFigures(histogram(ShardReport::latency)))
                .put("clientCpu", ClientCpu.sum(shards.stream().map(shard -> shard.json().getJsonObject("clientCpu"))
                        .toList(), end / 1e9, messages))
                .put("backends", backends());
    }

    private JsonObject newConnections() {
        long probes = sum(json -> json.getJsonObject("newConnections").getLong("probes"));
        long probesOk = sum(json -> json.getJsonObject("newConnections").getLong("probesOk"));
        List<OutageWindows.Window> union = OutageWindows.union(windows("newConnections"));
        return new JsonObject()
                .put("probes", probes)
                .put("probesOk", probesOk)
                .put("availability", probes == 0 ? null : SteadyLedger.share(probesOk, probes))
                .put("probeFailures", counts(json -> json.getJsonObject("newConnections").getJsonObject("probeFailures")))
                .put("outageSeconds", SteadyLedger.seconds(total(union)))
                .put("outages", SteadyLedger.windows(start, union));
    }

    private JsonObject establishedConnections() {
        boolean allEverUp = shards.stream().allMatch(shard -> allUpSince(shard) != null);
        long allUpSince = allEverUp ? shards.stream().mapToLong(this::allUpSince).max().orElse(0) : -1;
        List<OutageWindows.Window> union = allEverUp ? clipped(OutageWindows.union(windows("establishedConnections")),
                allUpSince) : List.of(new OutageWindows.Window(0, end));
        long measured = allEverUp ? end - allUpSince : end;
        long allUp = allEverUp ? measured - total(union) : 0;
        return new JsonObject()
                .put("allUpSinceSeconds", allEverUp ? SteadyLedger.seconds(allUpSince) : null)
                .put("allUpSeconds", SteadyLedger.seconds(allUp))
                .put("availability", measured == 0 ? null : SteadyLedger.share(allUp, measured))
                .put("outageSeconds", SteadyLedger.seconds(total(union)))
                .put("outages", SteadyLedger.windows(start, union));
    }

    /** When the shard's connections were all first up, from the merged start; null if never. */
    private Long allUpSince(ShardReport shard) {
        Double since = shard.json().getJsonObject("establishedConnections").getDouble("allUpSinceSeconds");
        return since == null ? null : at(shard.startedAt()) + nanos(since);
    }

    /** The windows from {@code from} on: what was out before the run first had all up is not measured. */
    private List<OutageWindows.Window> clipped(List<OutageWindows.Window> windows, long from) {
        return windows.stream().filter(window -> window.end() > from)
                .map(window -> new OutageWindows.Window(Math.max(from, window.start()), window.end())).toList();
    }

    /** Every shard's outage windows of {@code field}, from the merged start. */
    private List<OutageWindows.Window> windows(String field) {
        List<OutageWindows.Window> all = new ArrayList<>();
        for (ShardReport shard : shards) {
            JsonArray outages = shard.json().getJsonObject(field).getJsonArray("outages");
            for (int i = 0; i < outages.size(); i++) {
                JsonObject window = outages.getJsonObject(i);
                all.add(new OutageWindows.Window(at(Instant.parse(window.getString("start"))),
                        at(Instant.parse(window.getString("end")))));
            }
        }
        return all;
    }

    private static long total(List<OutageWindows.Window> windows) {
        return windows.stream().mapToLong(OutageWindows.Window::nanos).sum();
    }

    /** Every shard's broken connections, with their shard, in the order they broke. */
    private JsonArray brokenConnections() {
        List<JsonObject> rows = new ArrayList<>();
        for (ShardReport shard : shards) {
            double offset = SteadyLedger.seconds(at(shard.startedAt()));
            shard.json().getJsonArray("brokenConnections").forEach(row -> rows.add(((JsonObject) row).copy()
                    .put("shard", shard.shard().index())
                    .put("atSeconds", SteadyLedger.seconds(nanos(offset + ((JsonObject) row).getDouble("atSeconds"))))));
        }
        rows.sort(Comparator.comparingDouble(row -> row.getDouble("atSeconds")));
        return new JsonArray(new ArrayList<>(rows));
    }

    /** The retransmits summed; null when any shard could not read them (no TCP_INFO). */
    private JsonObject retransmits() {
        if (shards.stream().anyMatch(shard -> shard.json().getJsonObject("retransmits") == null)) {
            return null;
        }
        return new JsonObject()
                .put("segments", sum(json -> json.getJsonObject("retransmits").getLong("segments")))
                .put("connectionsRead", sum(json -> json.getJsonObject("retransmits").getLong("connectionsRead")))
                .put("connectionsEnded", sum(json -> json.getJsonObject("retransmits").getLong("connectionsEnded")));
    }

    /** Each pod's row summed over the shards; null without {@code --identity}. */
    private JsonObject backends() {
        if (shards.stream().anyMatch(shard -> shard.json().getJsonObject("backends") == null)) {
            return null;
        }
        TreeMap<String, JsonObject> pods = new TreeMap<>();
        for (ShardReport shard : shards) {
            shard.json().getJsonObject("backends").forEach(pod -> {
                JsonObject row = (JsonObject) pod.getValue();
                JsonObject into = pods.computeIfAbsent(pod.getKey(), p -> new JsonObject().put("connections", 0L)
                        .put("lasting", 0L).put("ended", new JsonObject()).put("lostBytes", 0L).put("retransmits", 0L));
                for (String count : List.of("connections", "lasting", "lostBytes")) {
                    into.put(count, into.getLong(count) + row.getLong(count));
                }
                Long retransmits = row.getLong("retransmits");
                into.put("retransmits", retransmits == null || into.getLong("retransmits") == null ? null
                        : into.getLong("retransmits") + retransmits);
                addCounts(into.getJsonObject("ended"), row.getJsonObject("ended"));
            });
        }
        return new JsonObject(new TreeMap<String, Object>(pods));
    }

    private long sum(Function<JsonObject, Long> count) {
        return shards.stream().mapToLong(shard -> count.apply(shard.json())).sum();
    }

    /** Counts by label ({@code ended}, failed connects by cause) summed over the shards, in label order. */
    private JsonObject counts(Function<JsonObject, JsonObject> labelled) {
        JsonObject sum = new JsonObject();
        shards.forEach(shard -> addCounts(sum, labelled.apply(shard.json())));
        return new JsonObject(new TreeMap<>(sum.getMap()));
    }

    private static void addCounts(JsonObject sum, JsonObject counts) {
        counts.forEach(count -> sum.put(count.getKey(), sum.getLong(count.getKey(), 0L)
                + ((Number) count.getValue()).longValue()));
    }

    private Histogram histogram(Function<ShardReport, Histogram> of) {
        Histogram sum = new Histogram(3);
        shards.forEach(shard -> sum.add(of.apply(shard)));
        return sum;
    }

    /** {@code instant} in nanoseconds from the merged start. */
    private long at(Instant instant) {
        return Duration.between(start, instant).toNanos();
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
