package io.tcpecho.echo;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

/**
 * The open echo connections of all verticle instances: it enforces {@code echo.max-connections} and lets a
 * graceful shutdown wait for them or abort them.
 */
@Singleton
public class ConnectionRegistry {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Set<EchoConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger size = new AtomicInteger();

    /** Registers the connection unless {@code limit} connections are open already. */
    boolean admit(EchoConnection connection, int limit) {
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            return false;
        }
        open.add(connection);
        return true;
    }

    void remove(EchoConnection connection) {
        if (open.remove(connection)) {
            size.decrementAndGet();
        }
    }

    public int size() {
        return size.get();
    }

    /** Aborts every open connection, each on its own event loop. */
    public void abortAll(CloseReason reason) {
        open.forEach(connection -> connection.abortFromAnyThread(reason));
    }

    /**
     * Blocks the calling (shutdown) thread until no connection is open or the timeout passes. Polling keeps
     * the event loops free of any shutdown bookkeeping.
     *
     * @return whether every connection closed in time
     */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (size() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, POLL_NANOS));
        }
        return true;
    }
}
