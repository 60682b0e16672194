package io.tcpecho.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.tcpecho.config.Units;

/**
 * A participant's side of the barrier (every index but 0): checks in with index 0, waits for the go line, then sleeps
 * until the start it names. The pods of a Job start in any order, so while index 0's name does not resolve yet, or
 * nothing listens there yet, or it closes the connection without an answer (a restarted pod), it tries again after a
 * back-off that doubles from 100 ms up to 1 s, and says once that it is waiting.
 */
final class BarrierParticipant {

    private static final long FIRST_BACK_OFF_MILLIS = 100;
    private static final long MAX_BACK_OFF_MILLIS = 1000;
    /** A connect to a pod that is not up yet may go unanswered: tried again after this rather than waited for. */
    private static final int MAX_CONNECT_MILLIS = 5000;

    private final int index;
    private final int shards;
    private final BarrierAddress coordinator;
    private final Duration timeout;
    private final Consumer<String> log;

    BarrierParticipant(int index, int shards, BarrierAddress coordinator, Duration timeout, Consumer<String> log) {
        this.index = index;
        this.shards = shards;
        this.coordinator = coordinator;
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * Checks in, waits for the start and sleeps until it.
     *
     * @throws BarrierException when index 0 cannot be reached or gives no start within the timeout, or refuses this shard
     */
    BarrierStart await() throws BarrierException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backOff = FIRST_BACK_OFF_MILLIS;
        String why;
        while (true) {
            // Looked up again each time: the JVM caches a failed lookup for 10 s (networkaddress.cache.negative.ttl).
            InetSocketAddress address = new InetSocketAddress(coordinator.host(), coordinator.port());
            if (address.isUnresolved()) {
                why = "its name does not resolve";
            } else {
                try {
                    long start = startFrom(address, deadline);
                    if (start >= 0) {
                        return new BarrierStart(start, StartBarrier.sleepUntil(start));
                    }
                    why = "it closed the connection without an answer";
                } catch (ConnectException notThere) {
                    why = notThere.getMessage();
                } catch (SocketTimeoutException late) {
                    throw new BarrierException(name() + " waited " + Units.formatDuration(timeout)
                            + " for a start from index 0 at " + coordinator);
                } catch (IOException e) {
                    why = e.toString();
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= backOff) {
                throw new BarrierException(name() + " waited " + Units.formatDuration(timeout) + " for index 0 at "
                        + coordinator + ": " + why);
            }
            if (backOff == FIRST_BACK_OFF_MILLIS) {
                log.accept(name() + ": waiting for index 0 at " + coordinator + " (" + why + ")");
            }
            Thread.sleep(backOff);
            backOff = Math.min(backOff * 2, MAX_BACK_OFF_MILLIS);
        }
    }

    /** The start index 0 answers a check-in with, or -1 when it closed the connection first. */
    private long startFrom(InetSocketAddress address, long deadline) throws IOException, BarrierException {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(address, Math.min(remainingMillis(deadline), MAX_CONNECT_MILLIS));
            } catch (SocketTimeoutException unanswered) {
                throw new ConnectException("connect timed out");
            }
            socket.getOutputStream().write(BarrierLines.checkIn(index, shards).getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(remainingMillis(deadline));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line = reader.readLine();
            return line == null ? -1 : BarrierLines.startOf(line, name());
        }
    }

    /** At least 1 ms: 0 would mean no timeout at all. */
    private static int remainingMillis(long deadline) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    private String name() {
        return "shard " + index + "/" + shards;
    }
}
