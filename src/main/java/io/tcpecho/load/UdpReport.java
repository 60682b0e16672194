package io.tcpecho.load;

import java.time.Instant;
import java.util.Locale;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What {@code load udp} saw: datagrams echoed, lost, reordered (a reply older than one already seen),
 * duplicated and corrupted, and round trips. Corruption always fails the run; loss fails it above --max-loss. The JSON
 * also has what a {@link LoadResult} has for {@code load merge} (the shard, the counts, the round trips as a histogram)
 * and a timeline: the datagrams sent in each second of the run and how many of those were echoed.
 */
final class UdpReport {

    private final String target;
    private final int rate;
    private final int size;
    private final UdpSchedule schedule;
    private final double maxLossPercent;
    private final Instant agreedStart;
    private final Histogram roundTrips = new Histogram(3);
    private final long[] sentIn;
    private final long[] echoedIn;
    private long echoed;
    private long reordered;
    private long duplicated;
    private long corrupted;
    private String firstCorruption;
    private long highestSeen = -1;
    private Instant startedAt = Instant.now();
    private long startNanos = System.nanoTime();
    private long elapsedNanos;

    /** @param agreedStart the instant the shards agreed to start at ({@code --barrier}); null without one */
    UdpReport(String target, int rate, int size, UdpSchedule schedule, double maxLossPercent, Instant agreedStart) {
        this.target = target;
        this.rate = rate;
        this.size = size;
        this.schedule = schedule;
        this.maxLossPercent = maxLossPercent;
        this.agreedStart = agreedStart;
        this.sentIn = new long[schedule.seconds()];
        this.echoedIn = new long[schedule.seconds()];
    }

    /** The sending starts now; returns now on {@link System#nanoTime()}'s clock, from which the datagrams are timed. */
    synchronized long started() {
        startedAt = Instant.now();
        startNanos = System.nanoTime();
        return startNanos;
    }

    /** The last reply came, or the wait for late ones is over. */
    synchronized void ended() {
        elapsedNanos = System.nanoTime() - startNanos;
    }

    synchronized void sent(long seq) {
        sentIn[schedule.second(seq)]++;
    }

    synchronized void echoed(long seq, long roundTripNanos) {
        echoed++;
        echoedIn[schedule.second(seq)]++;
        roundTrips.recordValue(Math.max(1, roundTripNanos));
        if (seq < highestSeen) {
            reordered++;
        }
        highestSeen = Math.max(highestSeen, seq);
    }

    synchronized void duplicated() {
        duplicated++;
    }

    synchronized void corrupted(String what) {
        corrupted++;
        if (firstCorruption == null) {
            firstCorruption = what;
        }
    }

    private long sent() {
        return schedule.datagrams();
    }

    synchronized double lossPercent() {
        return lossPercent(sent(), echoed);
    }

    static double lossPercent(long sent, long echoed) {
        return sent == 0 ? 0 : 100.0 * (sent - echoed) / sent;
    }

    synchronized boolean ok() {
        return corrupted == 0 && lossPercent() <= maxLossPercent;
    }

    /** Why the run failed; null when it did not. */
    synchronized String failure() {
        return ok() ? null : corrupted > 0 ? corrupted + " corrupted replies, first: " + firstCorruption
                : f("%.2f %% lost, more than --max-loss %.2f %%", lossPercent(), maxLossPercent);
    }

    synchronized String table() {
        return f("%-10s %d datagrams of %d bytes to %s at %d/s%s%n", "udp", sent(), size, target, rate,
                schedule.shard().isWhole() ? "" : f(" (shard %s of the run's %d)", schedule.shard(), schedule.count()))
                + f("%-10s %d (loss %.2f %%), reordered %d, duplicated %d, corrupted %d%n", "echoed", echoed, lossPercent(),
                        reordered, duplicated, corrupted)
                + f("%-10s p50 %s  p90 %s  p99 %s  max %s%n", "round trip", us(50), us(90), us(99), us(100))
                + f("%-10s %s%n", "result", ok() ? "OK, every reply verified" : "FAILED: " + failure());
    }

    synchronized String json() {
        JsonArray timeline = new JsonArray();
        for (int second = 0; second < sentIn.length; second++) {
            timeline.add(new JsonObject().put("second", second).put("sent", sentIn[second]).put("echoed", echoedIn[second]));
        }
        return new LoadResult("udp", target, "datagram", 1)
                .parameter("rate", rate)
                .parameter("messageSize", size)
                .parameter("datagrams", schedule.count())
                .parameter("maxLossPercent", maxLossPercent)
                .shard(schedule.shard()).agreedStart(agreedStart).latencyOf("datagram round trip")
                .counted(startedAt, startedAt, elapsedNanos, new LoadResult.Counts(sent() * size, echoed * size, echoed, 0,
                        corrupted, 0), roundTrips)
                .toJson()
                .put("ok", ok())
                .put("failure", failure())
                .put("rate", rate)
                .put("messageSize", size)
                .put("sent", sent())
                .put("echoed", echoed)
                .put("lossPercent", Math.round(lossPercent() * 1000.0) / 1000.0)
                .put("reordered", reordered)
                .put("duplicated", duplicated)
                .put("corrupted", corrupted)
                .put("roundTripMicros", new JsonObject()
                        .put("count", roundTrips.getTotalCount())
                        .put("p50", micros(50))
                        .put("p90", micros(90))
                        .put("p99", micros(99))
                        .put("max", micros(100)))
                .put("timeline", timeline)
                .encode();
    }

    private double micros(double percentile) {
        return roundTrips.getTotalCount() == 0 ? 0 : roundTrips.getValueAtPercentile(percentile) / 1000.0;
    }

    private String us(double percentile) {
        return f("%.0f us", micros(percentile));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
