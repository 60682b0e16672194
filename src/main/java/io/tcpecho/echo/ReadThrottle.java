package io.tcpecho.echo;

import java.util.function.LongSupplier;

import io.netty.channel.Channel;
import io.tcpecho.memory.MemoryBudget;

/**
 * Whether one connection reads: not while its write queue is over the high-water mark (Netty's writability), not while
 * the memory budget does not allow what it holds, and, for a connection accepted while the server was overloaded, not
 * until the overload ends. Its connection asks it after every change that could let it read again: a write that ended,
 * the channel becoming writable, memory freed elsewhere ({@link MemoryBudget.Waiter}). On the connection's event loop,
 * but for {@link #memoryFreed}.
 */
final class ReadThrottle implements MemoryBudget.Waiter {

    private final Channel channel;
    private final MemoryBudget budget;
    private final EchoMetrics metrics;
    /** The memory the connection holds in queued echo. */
    private final LongSupplier held;
    /** What the connection runs when memory was freed: it calls {@link #readIfAllowed} if it still reads. */
    private final Runnable retry;
    /** Accepted while overloaded: not read until the overload ends. */
    private boolean overloadedAtAccept;
    /** Registered with the budget, to hear {@link #memoryFreed}. */
    private boolean waitingForMemory;

    ReadThrottle(Channel channel, MemoryBudget budget, EchoMetrics metrics, LongSupplier held, Runnable retry) {
        this.channel = channel;
        this.budget = budget;
        this.metrics = metrics;
        this.held = held;
        this.retry = retry;
    }

    /** The connection was admitted: while the server is overloaded, it is not read until the overload ends. */
    void admitted() {
        if (!budget.admitsNewConnections()) {
            overloadedAtAccept = true;
            metrics.acceptDelayed();
        }
    }

    /** Reads on if nothing holds it back, else pauses; when memory holds it back, waits for memory to be freed. */
    void readIfAllowed() {
        if (!channel.isWritable()) {
            channel.config().setAutoRead(false);
            return;
        }
        if (!memoryAllowsReading()) {
            channel.config().setAutoRead(false);
            if (waitingForMemory) {
                return;
            }
            waitingForMemory = true;
            if (!overloadedAtAccept) {
                metrics.pausedForMemory();
            }
            budget.await(this);
            if (!memoryAllowsReading()) {
                return; // registered first, then checked again: memory freed in between is not missed
            }
        }
        stopWaiting();
        overloadedAtAccept = false;
        channel.config().setAutoRead(true);
    }

    /** Whether a write's end should ask again: reading waits for memory, which that write just gave back. */
    boolean waitingForMemory() {
        return waitingForMemory;
    }

    /**
     * Whether the connection should stop reading within a read batch, after queuing more echo: only the memory budget
     * stops it there. The write queue's high-water mark is asked at the batch's end, after its flush
     * ({@link EchoHandler#channelReadComplete}): until then the queue holds this batch's own echo, unflushed, and
     * pausing on it cut every batch short at the mark, a pause and a resume (two epoll_ctl calls and a scheduled
     * read) for every 256 KiB a fast client streamed (bench/NOTES.md, section 15).
     */
    boolean overMemoryBound() {
        return !budget.mayRead(held.getAsLong());
    }

    /**
     * Paused, holding more than a connection may under pressure, while the direct memory is nearly gone: the epoll
     * transport reads a half-closed connection to its end though paused, and this one growing on would fail the
     * allocations of others.
     */
    boolean mustShed() {
        return !channel.config().isAutoRead() && held.getAsLong() > budget.allowance() && budget.directMemoryCritical();
    }

    /** Stops reading for good. */
    void stop() {
        channel.config().setAutoRead(false);
        stopWaiting();
    }

    /** The connection closed: it waits for nothing any more. */
    void stopWaiting() {
        if (waitingForMemory) {
            waitingForMemory = false;
            budget.stopWaiting(this);
        }
    }

    private boolean memoryAllowsReading() {
        return overloadedAtAccept ? budget.admitsNewConnections() : budget.mayRead(held.getAsLong());
    }

    @Override
    public void memoryFreed() {
        channel.eventLoop().execute(retry);
    }
}
