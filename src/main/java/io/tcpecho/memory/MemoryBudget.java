package io.tcpecho.memory;

import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * One budget for the memory the server holds for all its clients: the buffers of echo read and not yet
 * written, which is what a client that does not read makes the server keep. Modelled on the kernel's
 * {@code tcp_mem} (low, pressure, high) and {@code tcp_rmem[0]} (what every socket may use whatever the
 * pressure):
 * <ul>
 * <li>under the {@link #pressureLine() pressure line} each connection reads up to its write-queue bound;</li>
 * <li>from there ({@link MemoryState#PRESSURE}) until the held memory falls back under the
 * {@link #lowLine() low line}, a connection is read only while it holds less than its
 * {@link #allowance() allowance}, in reads no larger than what is left of it, so connections that hold a lot
 * (clients that do not read) stop growing while the others keep flowing;</li>
 * <li>at the budget ({@link MemoryState#OVERLOADED}), until the held memory falls under the pressure line
 * again, the same holds and, besides, new connections wait unread and readiness is DOWN.</li>
 * </ul>
 * Connections that stopped for memory keep sending, so the budget frees itself as their clients read; nothing
 * is dropped. What is held is thus at most the budget, plus an allowance per connection, plus one read per
 * event loop: the budget defaults to half of the direct memory the JVM lets Netty use and the allowances
 * share a quarter of it, which leaves a quarter for reads in flight and the allocator's own overhead. As a
 * second line, the budget counts as spent while that direct memory is more than {@link #DIRECT_TIGHT} used.
 * <p>
 * {@link #hold} and {@link #release} run on every read and write of every event loop: one atomic add and a
 * volatile read. State changes are rare and synchronized.
 */
public final class MemoryBudget {

    /** Bounds of the per-connection allowance; below the minimum reads would cost more than they carry. */
    static final int MIN_ALLOWANCE = 1024;
    static final int MAX_ALLOWANCE = 16 * 1024;
    static final double DIRECT_TIGHT = 0.90;
    static final double DIRECT_EASED = 0.80;
    /**
     * Where the last line acts. Reads are small by then (see {@link #readSizeLimit}), so the few that a paused
     * connection still gets cost little: only this close to the limit do they risk failing others' allocations.
     */
    static final double DIRECT_CRITICAL = 0.97;
    private static final long DIRECT_CHECK_MILLIS = 100;
    private static final Logger LOG = Logger.getLogger(MemoryBudget.class);

    /** A connection that stopped reading for memory and wants to hear when memory frees. */
    public interface Waiter {
        /** Called from any thread when the state eased; the waiter decides, on its own thread, whether to read. */
        void memoryFreed();
    }

    private final long budget;
    private final int allowance;
    private final long directMax;
    private final AtomicLong held = new AtomicLong();
    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService directCheck;
    private volatile MemoryState state = MemoryState.NORMAL;
    private volatile boolean directTight;
    private volatile boolean directCritical;
    private long overloadedSince;
    private long overloadedNanos;

    /**
     * The budget of this JVM, watching its direct memory.
     *
     * @param budget the configured budget; empty for the default, half of the direct memory
     * @param maxConnections the most connections the server admits, which share the allowances
     */
    public static MemoryBudget of(OptionalLong budget, long maxConnections) {
        long directMax = DirectMemory.max();
        return new MemoryBudget(budget.orElse(defaultBudget(directMax)), allowance(directMax, maxConnections), directMax,
                true);
    }

    MemoryBudget(long budget, int allowance, long directMax, boolean watchDirectMemory) {
        this.budget = budget;
        this.allowance = allowance;
        this.directMax = directMax;
        if (watchDirectMemory) {
            directCheck = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "echo-direct-memory-check");
                thread.setDaemon(true);
                return thread;
            });
            directCheck.scheduleWithFixedDelay(() -> directMemoryUsed(DirectMemory.used()), DIRECT_CHECK_MILLIS,
                    DIRECT_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            directCheck = null;
        }
    }

    /** The default budget: half of the direct memory the JVM lets Netty use. */
    public static long defaultBudget(long directMax) {
        return directMax / 2;
    }

    /**
     * What each connection may hold whatever the state: a quarter of the direct memory, shared by as many
     * connections as the server admits, within {@value #MIN_ALLOWANCE} to {@value #MAX_ALLOWANCE} bytes.
     */
    public static int allowance(long directMax, long maxConnections) {
        return (int) Math.max(MIN_ALLOWANCE, Math.min(MAX_ALLOWANCE, directMax / 4 / maxConnections));
    }

    /** The most connections whose allowances fit in a quarter of {@code directMax}. */
    public static long connectionsThatFit(long directMax) {
        return directMax / 4 / MIN_ALLOWANCE;
    }

    /** Bytes a connection now holds in addition. */
    public void hold(long bytes) {
        changed(held.addAndGet(bytes));
    }

    /** Bytes a connection no longer holds (sent, or dropped with the connection). */
    public void release(long bytes) {
        changed(held.addAndGet(-bytes));
    }

    /** Whether a connection that holds {@code queued} bytes may read more now. */
    public boolean mayRead(long queued) {
        return state == MemoryState.NORMAL || queued < allowance;
    }

    /**
     * The largest read a connection that holds {@code queued} bytes may make now. A paused connection can
     * still be read (the epoll transport reads a half-closed connection to its end regardless), so the limit
     * never falls below {@value #MIN_ALLOWANCE}.
     */
    public int readSizeLimit(long queued) {
        return state == MemoryState.NORMAL ? Integer.MAX_VALUE : (int) Math.max(MIN_ALLOWANCE, allowance - queued);
    }

    /**
     * Whether the direct memory is all but exhausted (the last line): a connection that grows while its client
     * does not read is then reset rather than allowed to make allocations fail for everyone. Not the same as
     * tight ({@link #DIRECT_TIGHT}), which only stops reading: the pooled allocator's overhead alone can keep
     * the memory tight for a while, and shedding then would reset clients that are merely slow.
     */
    public boolean directMemoryCritical() {
        return directCritical;
    }

    /** Whether a connection accepted now may start reading at once (else it waits until the overload ends). */
    public boolean admitsNewConnections() {
        return state != MemoryState.OVERLOADED;
    }

    /** Registers {@code waiter} for {@link Waiter#memoryFreed}; the caller checks again after registering. */
    public void await(Waiter waiter) {
        waiting.add(waiter);
    }

    public void stopWaiting(Waiter waiter) {
        waiting.remove(waiter);
    }

    public MemoryState state() {
        return state;
    }

    public long held() {
        return held.get();
    }

    public long budget() {
        return budget;
    }

    public int allowance() {
        return allowance;
    }

    public long pressureLine() {
        return budget / 4 * 3;
    }

    public long lowLine() {
        return budget / 2;
    }

    public int waiting() {
        return waiting.size();
    }

    /** Seconds spent overloaded since start, including the current spell. */
    public synchronized double overloadedSeconds() {
        long nanos = overloadedNanos;
        if (state == MemoryState.OVERLOADED) {
            nanos += System.nanoTime() - overloadedSince;
        }
        return nanos / 1e9;
    }

    /** The safety line: direct memory nearly exhausted, whatever the held count says. */
    void directMemoryUsed(long used) {
        directCritical = used >= directMax * DIRECT_CRITICAL;
        boolean tight = directTight ? used >= directMax * DIRECT_EASED : used >= directMax * DIRECT_TIGHT;
        if (tight != directTight) {
            directTight = tight;
            if (tight) {
                LOG.warnf("Direct memory %d MiB of %d MiB used: treating the memory budget as spent until it falls under %d MiB",
                        used >> 20, directMax >> 20, (long) (directMax * DIRECT_EASED) >> 20);
            }
            changeState();
        }
    }

    private void changed(long heldNow) {
        MemoryState current = state;
        if (next(current, heldNow) != current) {
            changeState();
        }
    }

    private MemoryState next(MemoryState current, long heldNow) {
        if (directTight || heldNow >= budget) {
            return MemoryState.OVERLOADED;
        }
        return switch (current) {
            case NORMAL -> heldNow >= pressureLine() ? MemoryState.PRESSURE : MemoryState.NORMAL;
            case PRESSURE -> heldNow < lowLine() ? MemoryState.NORMAL : MemoryState.PRESSURE;
            case OVERLOADED -> heldNow >= pressureLine() ? MemoryState.OVERLOADED
                    : heldNow < lowLine() ? MemoryState.NORMAL : MemoryState.PRESSURE;
        };
    }

    private synchronized void changeState() {
        MemoryState current = state;
        MemoryState next = next(current, held.get());
        if (next == current) {
            return;
        }
        state = next;
        long now = System.nanoTime();
        if (next == MemoryState.OVERLOADED) {
            overloadedSince = now;
            LOG.warnf("Overloaded: %d KiB held for clients of a %d KiB budget; new connections wait unread and readiness is DOWN",
                    held.get() >> 10, budget >> 10);
        } else if (current == MemoryState.OVERLOADED) {
            overloadedNanos += now - overloadedSince;
            LOG.infof("No longer overloaded after %.1f s: %d KiB held for clients", (now - overloadedSince) / 1e9,
                    held.get() >> 10);
        }
        if (next.level() < current.level()) {
            waiting.forEach(Waiter::memoryFreed);
        }
    }

    /** Stops watching the direct memory. */
    public void close() {
        if (directCheck != null) {
            directCheck.shutdownNow();
        }
    }
}
