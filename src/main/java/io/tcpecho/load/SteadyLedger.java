package io.tcpecho.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Everything {@code steady} counts, from every connection's event loop: connections up and how they ended, bytes lost,
 * segments retransmitted (as each connection's TCP_INFO says when it ends), failed connects, probes, round trips, the
 * gaps between echoes, reconnect times, each backend's share, and the outage windows of new and of established
 * connections. Times are nanoseconds from the run's start. One lock: the run is paced (a rate per connection), not a
 * benchmark.
 * <p>
 * Established connections are out while fewer than all of them are up (their first message echoed), from the moment all were first up until the client starts closing them; before all were ever up, the
 * whole run is out. New connections are out from the start of a failed attempt (a probe, or a connect of a long-lived
 * connection) to the start of the next that succeeded.
 */
final class SteadyLedger {

    /** What a backend pod served: connections, how they ended, bytes lost and segments retransmitted on them. */
    private static final class Backend {
        long connections;
        long lostBytes;
        long retransmits;
        final Map<Ending, Long> ended = new EnumMap<>(Ending.class);
    }

    /** A broken connection: how, on which pod, at which byte of how many sent, when. */
    private record Broken(Ending ending, String pod, long atByte, long sent, long at) {
    }

    /** A new connection's attempt: when it started, whether it succeeded. */
    private record Attempt(long start, boolean ok) {
    }

    /** The counts of the run, or of one second of it. */
    private static final class Counts {
        long opened;
        long messages;
        long probesOk;
        long probesFailed;
        final Map<Ending, Long> ended = new EnumMap<>(Ending.class);
        final Map<FailedConnect, Long> failedConnects = new EnumMap<>(FailedConnect.class);
        final Histogram roundTrips = new Histogram(3);

        long failedConnectCount() {
            return failedConnects.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The pod of a connection that ended before it said which: without {@code --identity}, or before its line. */
    static final String UNKNOWN_POD = "unknown";

    private final int connections;
    /** Whether connections name their pods ({@code --identity}): the report has a row per pod then. */
    private final boolean perBackend;
    /** Whether the client's transport reads TCP_INFO (epoll): retransmits are not available otherwise. */
    private final boolean tcpInfo;
    private final long start;
    private final Instant startedAt;
    private final Counts total = new Counts();
    private Counts second = new Counts();
    private final Map<String, Backend> backends = new TreeMap<>();
    private final Map<String, Long> probeFailures = new TreeMap<>();
    private final List<Broken> broken = new ArrayList<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private final Histogram reconnects = new Histogram(3);
    private final OutageWindows established = new OutageWindows();
    private long lostBytes;
    /** Segments retransmitted on the connections whose TCP_INFO was read as they ended, and how many those were. */
    private long retransmits;
    private long retransmitsRead;
    private long longestEchoGap;
    private int up;
    /** When all connections were first up; negative until then. */
    private long allUpSince = -1;
    /** When the client began to close the connections; negative until then. */
    private long stoppedAt = -1;

    SteadyLedger(int connections, boolean perBackend, boolean tcpInfo, long startNanos, Instant startedAt) {
        this.connections = connections;
        this.perBackend = perBackend;
        this.tcpInfo = tcpInfo;
        this.start = startNanos;
        this.startedAt = startedAt;
    }

    /** Now, from the run's start. */
    long now() {
        return System.nanoTime() - start;
    }

    /** The start of the run on {@link System#nanoTime()}'s clock. */
    long start() {
        return start;
    }

    /** A long-lived connection that began to connect at {@code startedAt} is established. */
    synchronized void connected(long startedAt) {
        attempts.add(new Attempt(startedAt, true));
        total.opened++;
        second.opened++;
    }

    /** A connect that began at {@code startedAt} failed. */
    synchronized void failedConnect(FailedConnect cause, long startedAt) {
        total.failedConnects.merge(cause, 1L, Long::sum);
        second.failedConnects.merge(cause, 1L, Long::sum);
        attempts.add(new Attempt(startedAt, false));
    }

    /**
     * A long-lived connection is up: its first message's echo came back, {@code reconnectNanos} after its slot's
     * previous connection ended (negative for the slot's first).
     */
    synchronized void up(long reconnectNanos) {
        if (reconnectNanos >= 0) {
            reconnects.recordValue(Math.max(1, reconnectNanos));
        }
        up++;
        if (up == connections && stoppedAt < 0) {
            if (allUpSince < 0) {
                allUpSince = now();
            }
            established.up(now());
        }
    }

    /** A message's whole echo came back {@code roundTripNanos} after it was sent, {@code gapNanos} after the last. */
    synchronized void echoed(long roundTripNanos, long gapNanos) {
        total.messages++;
        second.messages++;
        total.roundTrips.recordValue(Math.max(1, roundTripNanos));
        second.roundTrips.recordValue(Math.max(1, roundTripNanos));
        longestEchoGap = Math.max(longestEchoGap, gapNanos);
    }

    /**
     * A long-lived connection ended so, after {@code atByte} of the {@code sent} bytes were echoed; {@code wasUp} when
     * it had been {@link #up}; the kernel had retransmitted {@code retransmits} of its segments (-1: not read).
     */
    synchronized void ended(Ending ending, String pod, long atByte, long sent, boolean wasUp, long retransmits) {
        total.ended.merge(ending, 1L, Long::sum);
        second.ended.merge(ending, 1L, Long::sum);
        long lost = sent - atByte;
        lostBytes += lost;
        Backend backend = backend(pod);
        backend.connections++;
        backend.ended.merge(ending, 1L, Long::sum);
        backend.lostBytes += lost;
        if (retransmits >= 0) {
            this.retransmits += retransmits;
            retransmitsRead++;
            backend.retransmits += retransmits;
        }
        if (ending.broken()) {
            broken.add(new Broken(ending, pod, atByte, sent, now()));
        }
        if (wasUp) {
            if (up == connections && stoppedAt < 0 && allUpSince >= 0) {
                established.down(now());
            }
            up--;
        }
    }

    /** A probe that began at {@code startedAt} got its echo and EOF, or failed so ({@code failure} not null). */
    synchronized void probe(long startedAt, String failure) {
        attempts.add(new Attempt(startedAt, failure == null));
        if (failure == null) {
            total.probesOk++;
            second.probesOk++;
        } else {
            total.probesFailed++;
            second.probesFailed++;
            probeFailures.merge(failure, 1L, Long::sum);
        }
    }

    /** The client begins to close the connections: the established ones' outages end here. */
    synchronized void stop() {
        if (stoppedAt < 0) {
            stoppedAt = now();
        }
    }

    private Backend backend(String pod) {
        return backends.computeIfAbsent(pod == null ? UNKNOWN_POD : pod, p -> new Backend());
    }

    private long end() {
        return stoppedAt >= 0 ? stoppedAt : now();
    }

    private OutageWindows establishedWindows() {
        if (allUpSince >= 0) {
            return established;
        }
        OutageWindows never = new OutageWindows();
        never.down(0);
        return never;
    }

    private OutageWindows newConnectionWindows() {
        OutageWindows windows = new OutageWindows();
        attempts.stream().sorted(Comparator.comparingLong(Attempt::start)).forEach(attempt -> {
            if (attempt.ok()) {
                windows.up(attempt.start());
            } else {
                windows.down(attempt.start());
            }
        });
        return windows;
    }

    /**
     * The timeline's line of second {@code index}: what happened since the last line, and the connections up now; the
     * counts start again.
     */
    synchronized JsonObject takeSecond(long index) {
        Counts s = second;
        second = new Counts();
        return new JsonObject()
                .put("second", index)
                .put("active", up)
                .put("new", s.opened)
                .put("ended", byLabel(s.ended))
                .put("failedConnects", s.failedConnectCount())
                .put("probesOk", s.probesOk)
                .put("probesFailed", s.probesFailed)
                .put("messages", s.messages)
                .put("rttP99Micros", s.roundTrips.getTotalCount() == 0 ? null
                        : micros(s.roundTrips.getValueAtPercentile(99)));
    }

    /** The progress line: connections up, broken so far, failed connects and probes, and the outages going on. */
    synchronized String progress() {
        long now = now();
        long newOut = newConnectionWindows().outFor(now);
        long establishedOut = establishedWindows().outFor(now);
        String outage = newOut == 0 && establishedOut == 0 ? "none"
                : (newOut > 0 ? f("new connections for %.1f s", newOut / 1e9) : "")
                        + (newOut > 0 && establishedOut > 0 ? ", " : "")
                        + (establishedOut > 0 ? f("established for %.1f s", establishedOut / 1e9) : "");
        return f("%d of %d up, %d broken, %d failed connects, probes %d of %d ok, %d msgs; outage: %s", up, connections,
                broken.size(), total.failedConnectCount(), total.probesOk, total.probesOk + total.probesFailed,
                total.messages, outage);
    }

    /** The report's figures, as the JSON report writes them ({@link SteadyReport}). */
    synchronized JsonObject summary() {
        long end = end();
        OutageWindows newWindows = newConnectionWindows();
        OutageWindows establishedWindows = establishedWindows();
        long probes = total.probesOk + total.probesFailed;
        long measured = allUpSince < 0 ? end : end - allUpSince;
        long allUp = allUpSince < 0 ? 0 : measured - established.total(end);
        JsonObject backendRows = new JsonObject();
        backends.forEach((pod, backend) -> backendRows.put(pod, new JsonObject()
                .put("connections", backend.connections)
                .put("lasting", backend.ended.getOrDefault(Ending.CLIENT_CLOSED, 0L))
                .put("ended", byLabel(backend.ended))
                .put("lostBytes", backend.lostBytes)
                .put("retransmits", tcpInfo ? backend.retransmits : null)));
        JsonArray brokenRows = new JsonArray();
        broken.forEach(b -> brokenRows.add(new JsonObject()
                .put("ending", b.ending().label)
                .put("pod", b.pod())
                .put("atByte", b.atByte())
                .put("sent", b.sent())
                .put("lostBytes", b.sent() - b.atByte())
                .put("atSeconds", seconds(b.at()))));
        return new JsonObject()
                .put("startedAt", startedAt.toString())
                .put("seconds", seconds(end))
                .put("connectionsOpened", total.opened)
                .put("ended", byLabel(total.ended))
                .put("broken", broken.size())
                .put("lostBytes", lostBytes)
                .put("brokenConnections", brokenRows)
                .put("failedConnects", new JsonObject()
                        .put("total", total.failedConnectCount())
                        .put("byCause", byCause(total.failedConnects)))
                .put("messages", total.messages)
                .put("newConnections", new JsonObject()
                        .put("probes", probes)
                        .put("probesOk", total.probesOk)
                        .put("availability", probes == 0 ? null : share(total.probesOk, probes))
                        .put("probeFailures", new JsonObject(new TreeMap<String, Object>(probeFailures)))
                        .put("outageSeconds", seconds(newWindows.total(end)))
                        .put("outages", windows(startedAt, newWindows.windows(end))))
                .put("establishedConnections", new JsonObject()
                        .put("allUpSinceSeconds", allUpSince < 0 ? null : seconds(allUpSince))
                        .put("allUpSeconds", seconds(allUp))
                        .put("availability", measured == 0 ? null : share(allUp, measured))
                        .put("outageSeconds", seconds(establishedWindows.total(end)))
                        .put("outages", windows(startedAt, establishedWindows.windows(end))))
                .put("retransmits", tcpInfo ? new JsonObject()
                        .put("segments", retransmits)
                        .put("connectionsRead", retransmitsRead)
                        .put("connectionsEnded", total.ended.values().stream().mapToLong(Long::longValue).sum())
                        : null)
                .put("longestEchoGapMillis", round(longestEchoGap / 1e6))
                .put("reconnectMillis", reconnectFigures(reconnects))
                .put("rttMicros", roundTripFigures(total.roundTrips))
                .put("backends", perBackend ? backendRows : null);
    }

    /** The reconnect times' figures, with their histogram for {@code load merge} to add. */
    static JsonObject reconnectFigures(Histogram reconnects) {
        return new JsonObject()
                .put("count", reconnects.getTotalCount())
                .put("p50", millis(reconnects, 50))
                .put("p99", millis(reconnects, 99))
                .put("max", millis(reconnects, 100))
                .put("histogram", Histograms.encode(reconnects));
    }

    static JsonObject roundTripFigures(Histogram roundTrips) {
        return new JsonObject()
                .put("count", roundTrips.getTotalCount())
                .put("p50", micros(roundTrips, 50))
                .put("p90", micros(roundTrips, 90))
                .put("p99", micros(roundTrips, 99))
                .put("p99_9", micros(roundTrips, 99.9))
                .put("max", micros(roundTrips, 100));
    }

    /** Outage windows as the report has them, on the wall clock and in seconds from the run's start. */
    static JsonArray windows(Instant startedAt, List<OutageWindows.Window> windows) {
        JsonArray all = new JsonArray();
        for (OutageWindows.Window window : windows) {
            all.add(new JsonObject()
                    .put("start", startedAt.plusNanos(window.start()).toString())
                    .put("end", startedAt.plusNanos(window.end()).toString())
                    .put("startSeconds", seconds(window.start()))
                    .put("endSeconds", seconds(window.end()))
                    .put("seconds", seconds(window.nanos())));
        }
        return all;
    }

    private static JsonObject byLabel(Map<Ending, Long> endings) {
        JsonObject labelled = new JsonObject();
        endings.forEach((ending, count) -> labelled.put(ending.label, count));
        return labelled;
    }

    private static JsonObject byCause(Map<FailedConnect, Long> failures) {
        JsonObject labelled = new JsonObject();
        failures.forEach((cause, count) -> labelled.put(cause.label, count));
        return labelled;
    }

    private static Double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? null : round(histogram.getValueAtPercentile(percentile) / 1e6);
    }

    private static Double micros(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? null : micros(histogram.getValueAtPercentile(percentile));
    }

    private static double micros(long nanos) {
        return round(nanos / 1e3);
    }

    static double seconds(long nanos) {
        return round(nanos / 1e9);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    /** A share to a thousandth of a percent: 99.999% is not 100%. */
    static double share(long part, long whole) {
        return Math.round(1e5 * part / whole) / 1e5;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
