package io.tcpecho.load;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One shard's JSON report ({@link LoadResult#json()}, and what {@code steady} and {@code udp} report besides) as
 * {@code load merge} reads it: which shard, when it started and the start the shards agreed on (null without a
 * barrier), its measured window, its counts and its latency histogram, and the report itself for the rest.
 */
record ShardReport(String source, JsonObject json, Shard shard, Instant startedAt, Instant agreedStart,
        Instant windowStart, Duration window, LoadResult.Counts counts, Histogram latency) {

    /**
     * The reports in {@code text}, one JSON object a line; other lines (progress, logs around a report) are skipped.
     * An IllegalArgumentException names the line that is not a report.
     */
    static List<ShardReport> readAll(String source, String text) {
        List<ShardReport> reports = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("{")) {
                String where = lines.length == 1 ? source : source + ":" + (i + 1);
                reports.add(parse(where, lines[i]));
            }
        }
        return reports;
    }

    static ShardReport parse(String source, String line) {
        try {
            JsonObject json = new JsonObject(line);
            JsonObject shard = required(json, "shard");
            JsonObject window = required(json, "window");
            JsonObject expected = json.getJsonObject("expected");
            LoadResult.Counts counts = new LoadResult.Counts(json.getLong("bytesSent"), json.getLong("bytesEchoed"),
                    json.getLong("messages"), json.getLong("connections"), json.getLong("errors"),
                    expected == null ? 0 : expected.getLong("connections"));
            String agreedStart = json.getString("agreedStart");
            return new ShardReport(source, json, new Shard(shard.getInteger("index"), shard.getInteger("count")),
                    Instant.parse(json.getString("startedAt")), agreedStart == null ? null : Instant.parse(agreedStart),
                    Instant.parse(window.getString("start")),
                    Duration.ofNanos(window.getLong("nanos")), counts, Histograms.decode(json.getString("latencyHistogram")));
        } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException
                | DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": not a shard's report (load ... --format json): "
                    + LoadRun.describe(e));
        }
    }

    private static JsonObject required(JsonObject json, String field) {
        JsonObject value = json.getJsonObject(field);
        if (value == null) {
            throw new IllegalArgumentException("no '" + field + "'");
        }
        return value;
    }

    boolean ok() {
        return Boolean.TRUE.equals(json.getBoolean("ok"));
    }

    String failure() {
        return json.getString("failure");
    }

    /**
     * How many whole seconds after the agreed start this shard started: 0 without a barrier, where each shard's
     * timeline counts from its own start.
     */
    int timelineOffsetSeconds() {
        return agreedStart == null ? 0 : (int) Math.max(0, Duration.between(agreedStart, startedAt).toSeconds());
    }

    Instant windowEnd() {
        return windowStart.plus(window);
    }
}
