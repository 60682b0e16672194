package io.tcpecho.echo;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * How far each event loop has got with its echo connections: a count per loop that its connections advance as they
 * read and as their writes complete. It tells a busy loop from a blocked one, which the time a loop takes to run a task
 * cannot: under a flood of connections one pass of a loop over those that are ready can take seconds (each send over
 * loopback carries the receiver's kernel work too), and no task runs meanwhile, yet the count moves.
 * <p>
 * Each loop writes its own slot only, from its own thread (a plain increment published with release semantics, no
 * atomic read-modify-write); the slots lie two cache lines apart, so loops never contend on a line.
 */
@Singleton
public class EventLoopProgress {

    /** Longs between slots: 128 bytes, beyond the adjacent-line prefetch too. */
    private static final int STRIDE = 16;

    private final List<EventExecutor> loops;
    private final AtomicLongArray counts;
    private final List<Counter> counters;

    @Inject
    EventLoopProgress(@DataPlane Vertx vertx) {
        this(EventLoops.of(vertx));
    }

    /** Progress over these loops; connections on other loops (an embedded channel's, in tests) count nowhere. */
    public EventLoopProgress(List<EventExecutor> loops) {
        this.loops = List.copyOf(loops);
        this.counts = new AtomicLongArray(Math.max(1, this.loops.size()) * STRIDE);
        this.counters = IntStream.range(0, this.loops.size()).mapToObj(i -> new Counter(counts, i * STRIDE)).toList();
    }

    /** The loops, in the order {@link #count} numbers them. */
    public List<EventExecutor> loops() {
        return loops;
    }

    /** How many reads and completed writes the {@code index}-th loop's connections have made. */
    public long count(int index) {
        return counts.get(index * STRIDE);
    }

    /** The counter of the loop a connection runs on; looked up once per connection. */
    public Counter counterOf(EventLoop loop) {
        int index = loops.indexOf(loop);
        return index < 0 ? Counter.NONE : counters.get(index);
    }

    /** One loop's slot, advanced from that loop's thread only. */
    public static final class Counter {

        static final Counter NONE = new Counter(null, 0);

        private final AtomicLongArray counts;
        private final int slot;

        private Counter(AtomicLongArray counts, int slot) {
            this.counts = counts;
            this.slot = slot;
        }

        /** One more read or completed write; from the counter's own loop only. */
        public void advance() {
            if (counts != null) {
                counts.lazySet(slot, counts.get(slot) + 1);
            }
        }
    }
}
