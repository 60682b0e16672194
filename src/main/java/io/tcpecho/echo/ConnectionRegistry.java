package io.tcpecho.echo;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.tcpecho.config.EchoConfig;

/**
 * The open echo connections of all verticle instances: it enforces {@code echo.max-connections} and
 * {@code echo.max-connections-per-client}, and lets a graceful shutdown wait for them or abort them.
 */
@Singleton
public class ConnectionRegistry {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final int limit;
    private final int perClientLimit;
    /** Open connections, each with its client address when it is counted (the per-client limit is on). */
    private final Map<EchoConnection, Optional<InetAddress>> open = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    ConnectionRegistry(EchoConfig config) {
        this.limit = config.maxConnections();
        this.perClientLimit = config.maxConnectionsPerClient();
    }

    /**
     * Registers the connection unless a limit is reached.
     *
     * @return null when admitted, else why not
     */
    CloseReason admit(EchoConnection connection, InetAddress client) {
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            return CloseReason.OVER_LIMIT;
        }
        Optional<InetAddress> counted = Optional.ofNullable(perClientLimit > 0 ? client : null);
        if (counted.isPresent() && !countClient(counted.get())) {
            size.decrementAndGet();
            return CloseReason.OVER_CLIENT_LIMIT;
        }
        open.put(connection, counted);
        return null;
    }

    void remove(EchoConnection connection) {
        Optional<InetAddress> client = open.remove(connection);
        if (client == null) {
            return;
        }
        size.decrementAndGet();
        client.ifPresent(counted -> perClient.computeIfPresent(counted, (address, count) -> count == 1 ? null : count - 1));
    }

    private boolean countClient(InetAddress client) {
        boolean[] admitted = new boolean[1];
        perClient.compute(client, (address, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < perClientLimit;
            return admitted[0] ? now + 1 : now;
        });
        return admitted[0];
    }

    public int size() {
        return size.get();
    }

    /** Client addresses with connections open now, when the per-client limit is on (else 0). */
    public int clients() {
        return perClient.size();
    }

    /** Aborts every open connection, each on its own event loop. */
    public void abortAll(CloseReason reason) {
        open.keySet().forEach(connection -> connection.abortFromAnyThread(reason));
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
