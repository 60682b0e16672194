package io.tcpecho.load;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.ChannelHandler;
import io.tcpecho.load.LoadRun.SocketSettings;
import io.vertx.core.json.JsonObject;

/**
 * {@code steady}: continuous traffic that measures what a rollout, a drain or a failover breaks. {@code -c N} long-lived
 * connections each send a message, wait for its whole echo, and send the next at the rate (or at once when the echo
 * came later than the rate's next turn); one that ends is recorded ({@link Ending}) and replaced: at once after a
 * connection that echoed a message, else with a back-off of 100 ms more per failure in a row (failed connects, and
 * connections that echoed nothing), up to 1 s. A probe opens a new connection every interval:
 * connect, one message, half-close, its echo and the server's EOF. Everything goes to the {@link SteadyLedger}; the
 * run goes on until its duration is over or it is stopped, then every connection half-closes after its last echo and
 * expects the server's EOF.
 * <p>
 * As shard I of N ({@code --shard}) it runs its share of the connections, at the rate each, and every Nth probe: one
 * every N intervals, I intervals after the start, so that N shards started together probe as often as the whole run.
 * Its connections and probes are numbered I, I+N, I+2N ... (the whole run's 0, 1, 2 ... with one shard), so that no two
 * shards send the same stream.
 */
final class SteadyWorkload {

    private static final long BACK_OFF_STEP = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long BACK_OFF_MAX = TimeUnit.SECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /**
     * @param connections this shard's long-lived connections
     * @param periodNanos the time between two messages' sends on a connection (one over the rate)
     * @param durationNanos 0: until stopped
     * @param identity whether the server sends its identity line first ({@code --identity})
     */
    record Plan(Shard shard, int connections, int messageSize, long periodNanos, long probeIntervalNanos,
            long durationNanos, boolean identity) {
    }

    private final LoadRun run;
    private final Plan plan;
    private final SteadyLedger ledger;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "load-steady");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong ids = new AtomicLong();
    private final Set<LongLived> live = ConcurrentHashMap.newKeySet();
    private final CountDownLatch slotsDone;
    /** The probes under way, and the workload itself as one party. */
    private final Phaser probes = new Phaser(1);
    private volatile boolean stopping;

    SteadyWorkload(LoadRun run, Plan plan) {
        this.run = run;
        this.plan = plan;
        this.ledger = new SteadyLedger(plan.connections(), plan.identity(), run.readsTcpInfo(),
                System.nanoTime(), Instant.now());
        this.slotsDone = new CountDownLatch(plan.connections());
    }

    /** The progress line ({@link SteadyLedger#progress()}). */
    String progress() {
        return ledger.progress();
    }

    /**
     * Runs until the duration is over, {@code stop} opens or the run fails, writing each second to {@code timeline}; then
     * closes every connection and returns the ledger's figures and what the run cost this client in CPU. The last
     * second's line, written after the connections closed, counts their ends too.
     */
    JsonObject run(CountDownLatch stop, Timeline timeline) throws InterruptedException {
        ClientCpu cpu = ClientCpu.start();
        try {
            for (int i = 0; i < plan.connections(); i++) {
                new Slot().connect();
            }
            ScheduledFuture<?> probing = timer.scheduleAtFixedRate(this::probe,
                    plan.shard().index() * plan.probeIntervalNanos(), plan.shard().count() * plan.probeIntervalNanos(),
                    TimeUnit.NANOSECONDS);
            long deadline = plan.durationNanos() > 0 ? plan.durationNanos() : Long.MAX_VALUE;
            long second = 0;
            while (true) {
                long until = Math.min((second + 1) * SECOND, deadline);
                if (run.await(stop, Math.max(1, until - ledger.now())) || run.hasFailed() || until == deadline) {
                    break;
                }
                timeline.write(ledger.takeSecond(second++));
            }
            stopping = true;
            ledger.stop();
            probing.cancel(false);
            live.forEach(LongLived::close);
            // Each connection and probe ends within the stall timeout: its echo and EOF, or a stall.
            long closing = run.stallNanos + SECOND;
            if (run.await(slotsDone, closing)) {
                awaitProbes(closing);
            }
            timeline.write(ledger.takeSecond(second));
            JsonObject summary = ledger.summary();
            return summary.put("clientCpu", cpu.used(summary.getDouble("seconds"), summary.getLong("messages")));
        } finally {
            timer.shutdownNow();
        }
    }

    private void awaitProbes(long timeoutNanos) throws InterruptedException {
        try {
            probes.awaitAdvanceInterruptibly(probes.arrive(), timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Reported as what they are: probes that did not end are not counted.
        }
    }

    private ChannelHandler[] inFront() {
        return plan.identity() ? new ChannelHandler[] { new GreetingLineReader() } : new ChannelHandler[0];
    }

    /** The pod a connection's identity line names; a line that names none fails the run: the target is not one. */
    private String podOf(String line) {
        try {
            return WhoamiAnswer.parse(line).pod();
        } catch (IllegalArgumentException e) {
            run.fail("the server's first line is no identity line (is --target the identity listener?): "
                    + e.getMessage());
            return null;
        }
    }

    /** The id of the shard's next connection, of the whole run's ids. */
    private long nextId() {
        return plan.shard().interleavedId(ids.getAndIncrement());
    }

    private void probe() {
        if (!stopping) {
            run.connect(nextId(), new Probe(), SocketSettings.DEFAULT, inFront());
        }
    }

    /** One of the {@code -c} long-lived connections, over its successive connections. */
    private final class Slot {
        private int failedInARow;
        /** When its last connection ended, from the run's start; negative before its first. */
        private long endedAt = -1;

        /** Opens the slot's next connection, unless the run is stopping: then the slot is done. */
        void connect() {
            if (stopping || run.hasFailed()) {
                slotsDone.countDown();
                return;
            }
            run.connect(nextId(), new LongLived(this, ledger.now()), SocketSettings.DEFAULT, inFront());
        }

        /** A connection is up: the time since the last one ended, or negative for the first. */
        long reconnected() {
            return endedAt < 0 ? -1 : ledger.now() - endedAt;
        }

        /**
         * The connection ended: the next one at once if it echoed a message, else after the back-off, as after a failed
         * connect (a server that resets every connection as it accepts it gets no storm of connections).
         */
        void ended(boolean echoed) {
            endedAt = ledger.now();
            if (echoed) {
                failedInARow = 0;
                connect();
            } else {
                retry();
            }
        }

        /** A connect failed: again after the back-off. */
        void failed() {
            retry();
        }

        private void retry() {
            if (stopping) {
                connect();
                return;
            }
            failedInARow++;
            timer.schedule(this::connect, Math.min(BACK_OFF_MAX, failedInARow * BACK_OFF_STEP), TimeUnit.NANOSECONDS);
        }
    }

    /** One connection of a slot: a message, its echo, the next at the rate, until the server or the run ends it. */
    private final class LongLived implements ConnectionScript {
        private final Slot slot;
        private final long connectStarted;
        private Connection connection;
        private String pod;
        /** It sends: connected, and identified with {@code --identity}. */
        private boolean sending;
        /** Its first message's whole echo came back. */
        private boolean up;
        private long sentAt;
        private long lastEcho;

        LongLived(Slot slot, long connectStarted) {
            this.slot = slot;
            this.connectStarted = connectStarted;
        }

        @Override
        public void active(Connection connection) {
            this.connection = connection;
            live.add(this);
            ledger.connected(connectStarted);
            if (plan.identity()) {
                connection.awaitGreeting();
            } else {
                start();
            }
        }

        @Override
        public void greeted(Connection connection, String line) {
            pod = podOf(line);
            if (pod != null) {
                start();
            }
        }

        private void start() {
            sending = true;
            lastEcho = System.nanoTime();
            send();
        }

        /**
         * The next message, always from a task of its own: an EOF that came in the same read as the last echo has been
         * seen by then, so that a server that ends the connection between messages is never taken for one that lost
         * a message.
         */
        private void send() {
            if (connection.isOver() || connection.hasEof() || connection.hasHalfClosed()) {
                return;
            }
            if (stopping) {
                connection.halfClose();
                return;
            }
            sentAt = System.nanoTime();
            connection.send(plan.messageSize());
            connection.flush();
        }

        @Override
        public void echoed(Connection connection) {
            if (connection.received() == connection.sent()) {
                long now = System.nanoTime();
                ledger.echoed(now - sentAt, now - lastEcho);
                run.latency.recordValue(Math.max(1, now - sentAt));
                lastEcho = now;
                if (!up) {
                    up = true;
                    ledger.up(slot.reconnected());
                }
                connection.schedule(this::send, Math.max(0, sentAt + plan.periodNanos() - now));
            }
        }

        /** The run is over: half-closes now if no message is in flight, else after its echo. */
        void close() {
            connection.execute(() -> {
                if (sending && connection.received() == connection.sent()) {
                    send();
                }
            });
        }

        @Override
        public void serverEnded(Connection connection) {
            if (connection.hasHalfClosed() && connection.received() == connection.sent()) {
                // Read before finish() closes the socket, and its TCP_INFO with it.
                long retransmits = connection.totalRetransmits();
                connection.finish();
                over(Ending.CLIENT_CLOSED, connection.received(), connection.sent(), retransmits);
            } else {
                connection.serverEndedEarly();
            }
        }

        @Override
        public boolean ended(Connection connection, Observed seen) {
            Ending ending = Ending.of(seen);
            if (ending == null) {
                return false;
            }
            over(ending, seen.atByte(), seen.sent(), connection.totalRetransmits());
            return true;
        }

        private void over(Ending ending, long atByte, long sent, long retransmits) {
            ledger.ended(ending, pod, atByte, sent, up, retransmits);
            live.remove(this);
            slot.ended(up);
        }

        @Override
        public boolean failedToConnect(Throwable cause) {
            if (!stopping) {
                ledger.failedConnect(FailedConnect.of(cause), connectStarted);
            }
            slot.failed();
            return true;
        }
    }

    /** A new connection that asks for one echo: connect, a message, half-close, the whole echo and the server's EOF. */
    private final class Probe implements ConnectionScript {
        private final long started = ledger.now();
        private boolean counted;

        Probe() {
            probes.register();
        }

        @Override
        public void active(Connection connection) {
            if (plan.identity()) {
                connection.awaitGreeting();
            } else {
                send(connection);
            }
        }

        @Override
        public void greeted(Connection connection, String line) {
            if (podOf(line) != null) {
                send(connection);
            }
        }

        private void send(Connection connection) {
            connection.send(plan.messageSize());
            connection.flush();
            connection.halfClose();
        }

        @Override
        public void echoed(Connection connection) {
            // Complete with the server's EOF after the whole echo.
        }

        @Override
        public void serverEnded(Connection connection) {
            if (connection.hasHalfClosed() && connection.received() == plan.messageSize()) {
                connection.finish();
                outcome(null);
            } else {
                connection.serverEndedEarly();
            }
        }

        @Override
        public boolean ended(Connection connection, Observed seen) {
            Ending ending = Ending.of(seen);
            if (ending == null) {
                return false;
            }
            outcome(ending.label);
            return true;
        }

        @Override
        public boolean failedToConnect(Throwable cause) {
            outcome("connect-" + FailedConnect.of(cause).label);
            return true;
        }

        private void outcome(String failure) {
            if (!counted) {
                counted = true;
                ledger.probe(started, failure);
                probes.arriveAndDeregister();
            }
        }
    }
}
