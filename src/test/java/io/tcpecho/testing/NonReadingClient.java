package io.tcpecho.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A client that writes as fast as the server takes its bytes and never reads the echo: what an attacker does. */
public final class NonReadingClient {

    private NonReadingClient() {
    }

    /**
     * Writes to {@code client} until its writes block for good (at most 1 GiB), reading nothing; returns how much it
     * wrote by then. The writer thread ends when the test closes the socket.
     */
    public static long writeUntilStalled(EchoClient client) {
        AtomicLong written = new AtomicLong();
        byte[] chunk = EchoClient.randomBytes(64 * 1024, 64);
        Thread writer = new Thread(() -> {
            try {
                while (written.get() < 1L << 30) {
                    client.socket().getOutputStream().write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (Exception stoppedByClose) {
                // the test closes the socket when it is done
            }
        }, "non-reading-client");
        writer.setDaemon(true);
        writer.start();
        return awaitSteady(written::get);
    }

    /** Waits until {@code count} stops moving for a second, and returns it. */
    public static long awaitSteady(LongSupplier count) {
        long[] last = { -1 };
        return await("a steady count").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    long previous = last[0];
                    last[0] = count.getAsLong();
                    return last[0] == previous ? last[0] : -1;
                }, at -> at >= 0);
    }
}
