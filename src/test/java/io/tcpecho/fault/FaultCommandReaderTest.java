package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** The command port's first stage and its timeout, on an {@link EmbeddedChannel} whose time the test moves. */
class FaultCommandReaderTest {

    private final List<FaultSpec> started = new ArrayList<>();
    private final List<FaultSelection.Refused> refused = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    FaultCommandReaderTest() {
        channel.freezeTime();
        channel.pipeline().addLast(new FaultCommandReader(Duration.ofMillis(1500), started::add, refused::add));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** The timeout as the configuration writes it (echo.faults.command-timeout=1500ms), not rounded to milliseconds. */
    @Test
    void noLineWithinTheTimeoutIsRefusedAtItSayingTheTimeout() {
        advance(1499);
        assertThat(refused).isEmpty();
        advance(1);
        assertThat(refused).singleElement().satisfies(refusal -> {
            assertThat(refusal.tag()).isEqualTo("timeout");
            assertThat(refusal.getMessage()).isEqualTo("no FAULT line within 1500ms");
        });
        assertThat(started).isEmpty();
    }

    @Test
    void aLineInTimeStartsTheEchoWithItsFaultsHandsOnWhatFollowsAndStopsTheTimer() {
        channel.writeInbound(Unpooled.copiedBuffer("FAULT latency=10ms\r\nhello", StandardCharsets.US_ASCII));
        assertThat(started).singleElement().satisfies(spec -> assertThat(spec).hasToString("latency=10ms"));
        ByteBuf rest = channel.readInbound();
        assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        rest.release();
        advance(2000);
        assertThat(refused).isEmpty();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }
}
