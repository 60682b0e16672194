package io.tcpecho.fault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A connection's timing faults ({@link DelayStage}) on an {@link EmbeddedChannel} whose time stands still until the test
 * moves it: the stage's clock and the channel's scheduler move together, a millisecond at a time, so that a test sees
 * the millisecond at which each piece of echo leaves. Netty keeps the embedded event loop's own time to itself, hence
 * a clock of the test's kept in step with it.
 */
final class TimedChannel implements AutoCloseable {

    /** When a piece of echo left, in milliseconds since the channel was made, and its bytes (US-ASCII). */
    record Departure(long atMillis, String text) {
    }

    /** nanoTime's origin is arbitrary and may be negative: the stage must not take any time for a start. */
    private static final long ORIGIN = -TimeUnit.HOURS.toNanos(1);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Departure> departures = new ArrayList<>();
    private long nanos = ORIGIN;

    /** The timing faults of {@code faults}, written as on the command port: {@code latency=50ms jitter=10ms}. */
    TimedChannel(String faults) throws FaultSelection.Refused {
        channel.freezeTime();
        FaultSpec spec = FaultSelection.command("FAULT " + faults);
        ConnectionFaults connection = ConnectionFaults.choose("test", spec, new FaultMetrics(registry));
        channel.pipeline().addLast(connection.delayStage(() -> nanos).orElseThrow());
    }

    /** The write queue's water marks, which the held echo counts against. */
    TimedChannel waterMarks(int low, int high) {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(low, high));
        return this;
    }

    /** Writes {@code text} as one chunk of echo, now; the promise completes when its last byte leaves. */
    ChannelPromise write(String text) {
        return write(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII)));
    }

    ChannelPromise write(ByteBuf data) {
        ChannelPromise promise = channel.newPromise();
        channel.writeAndFlush(data, promise);
        collect();
        return promise;
    }

    /** Moves the time on by {@code millis}, a millisecond at a time, running what falls due at each. */
    void advance(long millis) {
        for (long i = 0; i < millis; i++) {
            nanos += TimeUnit.MILLISECONDS.toNanos(1);
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            collect();
        }
    }

    /** Milliseconds since the channel was made. */
    long millis() {
        return TimeUnit.NANOSECONDS.toMillis(nanos - ORIGIN);
    }

    /** Everything that left so far, in the order it left. */
    List<Departure> departures() {
        return List.copyOf(departures);
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** The bytes the stage counted as held back ({@code echo_fault_delayed_bytes_total}). */
    double delayedBytes() {
        return registry.get("echo.fault.delayed.bytes").counter().count();
    }

    /** Closes the channel, as a reset or the client's going does. */
    void closeChannel() {
        channel.close();
    }

    private void collect() {
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            departures.add(new Departure(millis(), out.toString(StandardCharsets.US_ASCII)));
            out.release();
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
