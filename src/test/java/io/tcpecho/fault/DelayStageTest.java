package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.tcpecho.fault.TimedChannel.Departure;

/**
 * The timing faults' stage on its own, on an {@link io.netty.channel.embedded.EmbeddedChannel} with a clock the test
 * moves: what it holds back and until which millisecond, what it must not hold, what it counts, and what a close does
 * with what it holds. A latency is the fault that shapes it here; {@link TimingFaultsTest} has each fault.
 */
class DelayStageTest {

    private TimedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Test
    void aChunkLeavesItsLatencyAfterItsWriteAndItsWriteCompletesThen() throws Exception {
        channel = new TimedChannel("latency=50ms");
        ChannelPromise first = channel.write("one");
        ChannelPromise second = channel.write("two");
        channel.advance(20);
        ChannelPromise third = channel.write("three");
        channel.advance(29);
        assertThat(first.isDone()).as("held").isFalse();
        assertThat(channel.departures()).isEmpty();

        channel.advance(1);
        assertThat(first.isSuccess()).isTrue();
        assertThat(second.isSuccess()).isTrue();
        assertThat(third.isDone()).as("written 20 ms later").isFalse();
        channel.advance(20);
        assertThat(third.isSuccess()).isTrue();
        assertThat(channel.departures()).containsExactly(
                new Departure(50, "one"), new Departure(50, "two"), new Departure(70, "three"));
    }

    /** A piece never leaves before the one ahead of it, even when its own faults would let it. */
    @Test
    void aChunkLetOutEarlierWaitsForTheOneAheadOfIt() throws Exception {
        channel = new TimedChannel("first-byte-delay=100ms");
        channel.write("first");
        channel.advance(10);
        ChannelPromise second = channel.write("second");
        channel.advance(89);
        assertThat(second.isDone()).as("behind the first").isFalse();
        channel.advance(1);
        assertThat(channel.departures()).containsExactly(new Departure(100, "first"), new Departure(100, "second"));
    }

    /** The echo's last flush and Vert.x's close write an empty buffer: it waits for what is held, but adds no latency. */
    @Test
    void anEmptyWriteWaitsForWhatIsHeldButIsNotDelayedItself() throws Exception {
        channel = new TimedChannel("latency=50ms");
        ChannelPromise data = channel.write("data");
        channel.advance(30);
        ChannelPromise flushBehindData = channel.write(Unpooled.EMPTY_BUFFER);
        channel.advance(19);
        assertThat(flushBehindData.isDone()).as("behind held data").isFalse();
        channel.advance(1);
        assertThat(data.isSuccess()).isTrue();
        assertThat(flushBehindData.isSuccess()).as("with the data, not a latency after its own write").isTrue();

        ChannelPromise flushAlone = channel.write(Unpooled.EMPTY_BUFFER);
        assertThat(flushAlone.isSuccess()).as("nothing held: at once, not a latency later").isTrue();
        assertThat(channel.departures()).containsExactly(
                new Departure(50, "data"), new Departure(50, ""), new Departure(50, ""));
        assertThat(channel.delayedBytes()).as("the empty writes held nothing back").isEqualTo(4);
    }

    /** Only bytes that wait count as delayed: a chunk the faults let out at once is not. */
    @Test
    void onlyBytesThatWaitAreCountedAsDelayed() throws Exception {
        channel = new TimedChannel("first-byte-delay=10ms");
        channel.write("held");
        channel.advance(10);
        channel.write("not held");
        assertThat(channel.departures()).containsExactly(new Departure(10, "held"), new Departure(10, "not held"));
        assertThat(channel.delayedBytes()).isEqualTo(4);
    }

    /**
     * Held echo counts against the write queue as queued echo does: over the high-water mark the channel is not
     * writable (the echo pauses reading), and it is again only under the low one. A chunk pins its buffer's capacity.
     */
    @Test
    void heldEchoOverTheHighWaterMarkMakesTheChannelUnwritableUntilUnderTheLowOne() throws Exception {
        channel = new TimedChannel("latency=50ms").waterMarks(150, 250);
        channel.write("a".repeat(200));
        assertThat(channel.isWritable()).as("200 bytes held, under 250").isTrue();
        channel.advance(10);
        channel.write("b".repeat(100));
        assertThat(channel.isWritable()).as("300 bytes held, over 250").isFalse();
        channel.advance(10);
        channel.write(Unpooled.buffer(100).writeBytes("c".repeat(10).getBytes(StandardCharsets.US_ASCII)));
        assertThat(channel.isWritable()).as("10 bytes more, but a buffer of 100").isFalse();

        channel.advance(30);
        assertThat(channel.departures()).hasSize(1);
        assertThat(channel.isWritable()).as("200 held: between the marks, still paused").isFalse();
        channel.advance(10);
        assertThat(channel.isWritable()).as("100 held: under 150").isTrue();
        channel.advance(10);
        assertThat(channel.departures()).extracting(Departure::atMillis).containsExactly(50L, 60L, 70L);
        assertThat(channel.isWritable()).isTrue();
    }

    @Test
    void closingReleasesWhatIsHeldAndFailsItsWrites() throws Exception {
        channel = new TimedChannel("latency=50ms");
        ByteBuf data = Unpooled.wrappedBuffer("held".getBytes(StandardCharsets.US_ASCII));
        ChannelPromise held = channel.write(data);
        channel.closeChannel();
        assertThat(held.isDone() && !held.isSuccess()).as("the write failed, so that the echo counts it dropped").isTrue();
        assertThat(held.cause()).isInstanceOf(ClosedChannelException.class);
        assertThat(data.refCnt()).as("released").isZero();
        channel.advance(100);
        assertThat(channel.departures()).as("the timer went with it").isEmpty();
    }
}
