package io.tcpecho.echo;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.tcpecho.config.DrainTimeoutEnd;
import io.tcpecho.config.EchoConfig;

/**
 * The open connections of all verticle instances: it enforces {@code echo.max-connections} on the echo ports,
 * {@code echo.faults.max-connections} on the fault ports and {@code echo.max-connections-per-client} on all, and lets
 * a graceful shutdown drain them, wait for them, and end those left.
 */
@Singleton
public class ConnectionRegistry {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Which limit a connection counts against. The fault ports have their own, so that connections they hold on purpose
     * (a stall, a slow echo) can never take the plain echo's capacity.
     */
    enum Pool {
        ECHO,
        FAULTS
    }

    private final int perClientLimit;
    private final Map<Pool, Limit> limits;
    /** Open connections, each with its pool and its client address when it is counted (the per-client limit is on). */
    private final Map<EchoHandler, Admitted> open = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    /** Set once, by the thread that starts the drain; read by connections as they are admitted. */
    private volatile boolean draining;

    private record Admitted(Pool pool, Optional<InetAddress> client) {
    }

    /** A pool's limit and how many of its connections are open. */
    private static final class Limit {
        final int max;
        final AtomicInteger size = new AtomicInteger();

        Limit(int max) {
            this.max = max;
        }

        boolean take() {
            if (size.incrementAndGet() > max) {
                release();
                return false;
            }
            return true;
        }

        void release() {
            size.decrementAndGet();
        }
    }

    ConnectionRegistry(EchoConfig config) {
        this.perClientLimit = config.maxConnectionsPerClient();
        this.limits = Map.of(Pool.ECHO, new Limit(config.maxConnections()), Pool.FAULTS,
                new Limit(config.faults().maxConnections()));
    }

    /**
     * Registers the connection unless a limit is reached.
     *
     * @return null when admitted, else why not
     */
    CloseReason admit(EchoHandler connection, Pool pool, InetAddress client) {
        Limit limit = limits.get(pool);
        if (!limit.take()) {
            return CloseReason.OVER_LIMIT;
        }
        Optional<InetAddress> counted = Optional.ofNullable(perClientLimit > 0 ? client : null);
        if (counted.isPresent() && !countClient(counted.get())) {
            limit.release();
            return CloseReason.OVER_CLIENT_LIMIT;
        }
        open.put(connection, new Admitted(pool, counted));
        return null;
    }

    void remove(EchoHandler connection) {
        Admitted admitted = open.remove(connection);
        if (admitted == null) {
            return;
        }
        limits.get(admitted.pool()).release();
        admitted.client().ifPresent(counted ->
                perClient.computeIfPresent(counted, (address, count) -> count == 1 ? null : count - 1));
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

    /** Connections open now, on every port. */
    public int size() {
        return size(Pool.ECHO) + size(Pool.FAULTS);
    }

    /** Connections open now on the fault ports. */
    public int faultPortConnections() {
        return size(Pool.FAULTS);
    }

    /** Whether the echo ports are at {@code echo.max-connections}, so that a new echo connection would be refused. */
    public boolean echoFull() {
        return size(Pool.ECHO) >= limits.get(Pool.ECHO).max;
    }

    private int size(Pool pool) {
        return limits.get(pool).size.get();
    }

    /**
     * Tells every open connection, on its own event loop, that the drain began (see {@link EchoHandler#drain}); those
     * admitted from now on hear it as they are.
     */
    public void drain() {
        draining = true;
        open.keySet().forEach(EchoHandler::drainFromAnyThread);
    }

    boolean draining() {
        return draining;
    }

    /** Ends every open connection as {@code how} says, each on its own event loop: the drain ran out of time. */
    public void endAtDrainTimeout(DrainTimeoutEnd how) {
        open.keySet().forEach(connection -> connection.endAtDrainTimeoutFromAnyThread(how));
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
