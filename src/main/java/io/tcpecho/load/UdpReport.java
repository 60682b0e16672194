package io.tcpecho.load;

import java.util.Locale;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonObject;

/**
 * What {@code load udp} saw: datagrams echoed, lost, reordered (a reply older than one already seen),
 * duplicated and corrupted, and round trips. Corruption always fails the run; loss fails it above --max-loss.
 */
final class UdpReport {

    private final String target;
    private final int rate;
    private final int size;
    private final long sent;
    private final double maxLossPercent;
    private final Histogram roundTrips = new Histogram(3);
    private long echoed;
    private long reordered;
    private long duplicated;
    private long corrupted;
    private String firstCorruption;
    private long highestSeen = -1;

    UdpReport(String target, int rate, int size, long sent, double maxLossPercent) {
        this.target = target;
        this.rate = rate;
        this.size = size;
        this.sent = sent;
        this.maxLossPercent = maxLossPercent;
    }

    synchronized void echoed(long seq, long roundTripNanos) {
        echoed++;
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

    synchronized double lossPercent() {
        return 100.0 * (sent - echoed) / sent;
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
        return f("%-10s %d datagrams of %d bytes to %s at %d/s%n", "udp", sent, size, target, rate)
                + f("%-10s %d (loss %.2f %%), reordered %d, duplicated %d, corrupted %d%n", "echoed", echoed, lossPercent(),
                        reordered, duplicated, corrupted)
                + f("%-10s p50 %s  p90 %s  p99 %s  max %s%n", "round trip", us(50), us(90), us(99), us(100))
                + f("%-10s %s%n", "result", ok() ? "OK, every reply verified" : "FAILED: " + failure());
    }

    synchronized String json() {
        return new JsonObject()
                .put("workload", "udp")
                .put("target", target)
                .put("ok", ok())
                .put("failure", failure())
                .put("rate", rate)
                .put("messageSize", size)
                .put("sent", sent)
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
