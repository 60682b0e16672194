package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;

/** The timing faults' stage on its own, on an {@link EmbeddedChannel}: what it holds back, and what it must not. */
class DelayStageTest {

    private static final Duration LATENCY = Duration.ofMillis(50);

    private final EmbeddedChannel channel = new EmbeddedChannel(new DelayStage(List.of(new Latency(LATENCY, Duration.ZERO)),
            ConnectionFaults.choose("test", FaultSpec.builder().parse(Latency.LATENCY, "50ms").build(),
                    new FaultMetrics(new SimpleMeterRegistry()))));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aChunkLeavesNoEarlierThanItsLatencyAndInOrder() {
        long start = System.nanoTime();
        ChannelPromise first = write("one");
        ChannelPromise second = write("two");
        assertThat(first.isDone()).as("held").isFalse();
        awaitDone(second);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(LATENCY.toNanos());
        assertThat(first.isSuccess()).isTrue();
        assertThat(read()).isEqualTo("one");
        assertThat(read()).isEqualTo("two");
    }

    /** The echo's last flush and Vert.x's close write an empty buffer: it waits for what is held, but adds no latency. */
    @Test
    void anEmptyWriteWaitsForWhatIsHeldButIsNotDelayedItself() {
        ChannelPromise data = write("data");
        ChannelPromise flushBehindData = channel.newPromise();
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER, flushBehindData);
        assertThat(flushBehindData.isDone()).as("behind held data").isFalse();
        awaitDone(flushBehindData);
        assertThat(data.isSuccess()).isTrue();

        ChannelPromise flushAlone = channel.newPromise();
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER, flushAlone);
        assertThat(flushAlone.isSuccess()).as("nothing held: at once, not a latency later").isTrue();
    }

    @Test
    void closingDropsWhatIsHeldAndFailsItsWrites() {
        ChannelPromise held = write("held");
        channel.close();
        assertThat(held.isDone() && !held.isSuccess()).as("the write failed, so that the echo counts it dropped").isTrue();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    private ChannelPromise write(String text) {
        ChannelPromise promise = channel.newPromise();
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), promise);
        return promise;
    }

    private void awaitDone(ChannelPromise promise) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
            channel.runScheduledPendingTasks();
            return promise.isDone();
        });
    }

    private String read() {
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }
}
