package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Steady's figures of two shards merged: outage windows on the wall clock as unions, the established ones from when the
 * last shard first had all its connections up; broken connections with their shard in the order they broke.
 */
class MergedSteadyTest {

    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void outagesAreTheUnionsOfTheShardsWindowsOnTheWallClock() {
        // Shard 1 starts 0.1 s after shard 0: its times are 0.1 s later on the merged clock.
        ShardReport zero = shard(0, 0.0, 0.5, windows(1.0, 1.2), windows(2.0, 2.5), 1.5);
        ShardReport one = shard(1, 0.1, 0.3, windows(0.35, 0.6, 1.1, 1.4), windows(2.3, 2.9), 0.2);

        JsonObject merged = MergedSteady.summary(List.of(zero, one), START);

        assertThat(merged.getDouble("seconds")).isEqualTo(5.1);
        JsonObject established = merged.getJsonObject("establishedConnections");
        assertThat(established.getDouble("allUpSinceSeconds")).as("when the last shard had all up").isEqualTo(0.5);
        assertThat(windowsOf(established)).as("shard 1's first window cut at 0.5 s; 1.0-1.2 and 1.2-1.5 joined")
                .containsExactly(List.of(0.5, 0.7), List.of(1.0, 1.5));
        assertThat(established.getDouble("outageSeconds")).isEqualTo(0.7);
        assertThat(established.getDouble("allUpSeconds")).isEqualTo(3.9);
        assertThat(established.getDouble("availability")).isCloseTo(3.9 / 4.6, within(1e-5));
        JsonObject fresh = merged.getJsonObject("newConnections");
        assertThat(windowsOf(fresh)).containsExactly(List.of(2.0, 3.0));
        assertThat(fresh.getDouble("outageSeconds")).isEqualTo(1.0);
        assertThat(fresh.getLong("probes")).isEqualTo(10);
        assertThat(fresh.getDouble("availability")).isEqualTo(0.8);

        assertThat(merged.getLong("broken")).isEqualTo(2);
        JsonArray broken = merged.getJsonArray("brokenConnections");
        assertThat(broken.getJsonObject(0).getInteger("shard")).isEqualTo(1);
        assertThat(broken.getJsonObject(0).getDouble("atSeconds")).isEqualTo(0.3);
        assertThat(broken.getJsonObject(1).getInteger("shard")).isZero();
        assertThat(broken.getJsonObject(1).getDouble("atSeconds")).isEqualTo(1.5);
        assertThat(merged.getJsonObject("ended")).isEqualTo(new JsonObject().put("client-closed", 4L).put("reset", 2L));
        assertThat(merged.getJsonObject("retransmits").getLong("segments")).isEqualTo(6);
        assertThat(merged.getJsonObject("reconnectMillis").getLong("count")).isEqualTo(2);
    }

    @Test
    void establishedConnectionsWereOutAllAlongWhenAShardNeverHadAllUp() {
        JsonObject merged = MergedSteady.summary(List.of(shard(0, 0.0, 0.5, windows(), windows(), 1.0),
                shard(1, 0.0, null, windows(0.0, 5.0), windows(), 1.0)), START);

        JsonObject established = merged.getJsonObject("establishedConnections");
        assertThat(established.getValue("allUpSinceSeconds")).isNull();
        assertThat(windowsOf(established)).containsExactly(List.of(0.0, 5.0));
        assertThat(established.getDouble("availability")).isZero();
    }

    /** A steady shard's report: 2 connections, a reset at {@code brokenAt}, 5 probes of which 4 ok. */
    private static ShardReport shard(int index, double offset, Double allUpSince, JsonArray established,
            JsonArray fresh, double brokenAt) {
        Instant started = START.plusNanos(Math.round(offset * 1e9));
        Histogram reconnects = new Histogram(3);
        reconnects.recordValue(1_000_000);
        JsonObject json = new LoadResult("steady", "127.0.0.1:7", "epoll", 1).shard(new Shard(index, 2))
                .counted(started, started, 5_000_000_000L, LoadResult.Counts.NONE, new Histogram(3)).toJson()
                .put("seconds", 5.0)
                .put("connectionsOpened", 3L)
                .put("ended", new JsonObject().put("reset", 1L).put("client-closed", 2L))
                .put("broken", 1L)
                .put("lostBytes", 64L)
                .put("brokenConnections", new JsonArray().add(new JsonObject().put("ending", "reset").put("atByte", 0L)
                        .put("sent", 64L).put("lostBytes", 64L).put("pod", "unknown").put("atSeconds", brokenAt)))
                .put("failedConnects", new JsonObject().put("total", 0L).put("byCause", new JsonObject()))
                .put("messages", 100L)
                .put("newConnections", new JsonObject().put("probes", 5L).put("probesOk", 4L)
                        .put("probeFailures", new JsonObject().put("reset", 1L)).put("outages", absolute(fresh, started)))
                .put("establishedConnections", new JsonObject().put("allUpSinceSeconds", allUpSince)
                        .put("outages", absolute(established, started)))
                .put("retransmits", new JsonObject().put("segments", 3L).put("connectionsRead", 3L)
                        .put("connectionsEnded", 3L))
                .put("longestEchoGapMillis", 12.5)
                .put("reconnectMillis", new JsonObject().put("histogram", Histograms.encode(reconnects)))
                .put("clientCpu", new JsonObject().put("seconds", 0.5).put("cores", 0.1))
                .putNull("backends");
        return ShardReport.parse("shard " + index, json.encode());
    }

    /** Windows as {start, end} pairs of seconds. */
    private static JsonArray windows(double... bounds) {
        JsonArray windows = new JsonArray();
        for (int i = 0; i < bounds.length; i += 2) {
            windows.add(new JsonArray().add(bounds[i]).add(bounds[i + 1]));
        }
        return windows;
    }

    /** Windows in seconds from {@code started} as a report has them, on the wall clock. */
    private static JsonArray absolute(JsonArray windows, Instant started) {
        JsonArray outages = new JsonArray();
        windows.forEach(w -> {
            JsonArray window = (JsonArray) w;
            outages.add(new JsonObject()
                    .put("start", started.plusNanos(Math.round(window.getDouble(0) * 1e9)).toString())
                    .put("end", started.plusNanos(Math.round(window.getDouble(1) * 1e9)).toString()));
        });
        return outages;
    }

    /** A merged figure's windows as {start, end} in seconds from the merged start. */
    private static List<List<Double>> windowsOf(JsonObject connections) {
        return connections.getJsonArray("outages").stream().map(JsonObject.class::cast)
                .map(w -> List.of(w.getDouble("startSeconds"), w.getDouble("endSeconds"))).toList();
    }
}
