package io.tcpecho.echo;

import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4;
import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP6;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.config.ProxyProtocolMode;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.testing.ProxyHeaders;

/**
 * The PROXY protocol reader's handlers on their own, on an {@link EmbeddedChannel} whose clock stands still: the
 * client each header names, the bytes after it handed on, each rejection counted by reason, and the optional mode's
 * data that merely begins like a signature. The channel's inbound queue stands for the echo.
 */
class ProxyProtocolReaderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.10", 45000);
    private static final byte[] DATA = "the client's own bytes\r\n".getBytes(StandardCharsets.US_ASCII);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MemoryBudget budget = MemoryBudget.of(OptionalLong.empty(), 1);
    private final EchoMetrics metrics = new EchoMetrics(registry, new ConnectionRegistry(defaultConfig()), budget);
    private final EmbeddedChannel channel = connection();
    private final List<ByteBuf> written = new ArrayList<>();
    private final List<ClientOrigin> started = new ArrayList<>();
    /** What the echo had received when it started: nothing, or bytes went around it. */
    private final List<Integer> receivedAtStart = new ArrayList<>();

    @AfterEach
    void everyBufferIsReleased() {
        try {
            assertThat(channel.finish()).as("nothing reached the echo that the test did not read").isFalse();
            assertThat(written).allSatisfy(buffer -> assertThat(buffer.refCnt()).as("written in, then released").isZero());
        } finally {
            budget.close();
        }
    }

    static Stream<Arguments> headers() {
        List<Arguments> headers = List.of(
                Arguments.of("v1 TCP4", ProxyHeaders.v1(TCP4, "203.0.113.1", 40001, "198.51.100.1", 7), 1,
                        new InetSocketAddress("203.0.113.1", 40001)),
                Arguments.of("v1 TCP6", ProxyHeaders.v1(TCP6, "2001:db8::2", 40002, "2001:db8::1", 7), 1,
                        new InetSocketAddress("2001:db8::2", 40002)),
                Arguments.of("v1 UNKNOWN", ProxyHeaders.v1Unknown(), 1, PEER),
                Arguments.of("v2 TCP4 with TLVs", ProxyHeaders.v2(TCP4, "203.0.113.3", 40003, "198.51.100.1", 7,
                        ProxyHeaders.cloudTlvs()), 2, new InetSocketAddress("203.0.113.3", 40003)),
                Arguments.of("v2 TCP6", ProxyHeaders.v2(TCP6, "2001:db8::4", 40004, "2001:db8::1", 7, List.of()), 2,
                        new InetSocketAddress("2001:db8::4", 40004)),
                Arguments.of("v2 LOCAL", ProxyHeaders.v2Local(), 2, PEER));
        return Stream.of(false, true).flatMap(byteByByte -> headers.stream().map(header -> Arguments.of(
                header.get()[0] + (byteByByte ? ", byte by byte" : ", in one read"), header.get()[1], header.get()[2],
                header.get()[3], byteByByte)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void aValidHeaderStartsTheEchoWithItsClientThenTheBytesAfterItReachTheEchoInTheSameRead(String name, byte[] header,
            int version, InetSocketAddress client, boolean byteByByte) {
        read(ProxyProtocolMode.REQUIRED);
        int inOneRead = byteByByte ? 1 : header.length;
        for (int i = 0; i < header.length - inOneRead; i++) {
            write(new byte[] { header[i] });
            assertThat(started).as("after byte %d of the header", i + 1).isEmpty();
        }
        write(concat(Arrays.copyOfRange(header, header.length - inOneRead, header.length), DATA));

        assertThat(started).singleElement().satisfies(origin -> {
            assertThat(origin.peer()).isEqualTo(PEER);
            assertThat(origin.client()).isEqualTo(client);
            assertThat(origin.header()).hasValueSatisfying(parsed -> assertThat(parsed.version()).isEqualTo(version));
        });
        assertThat(receivedAtStart).as("the echo started before the bytes after the header reached it").containsExactly(0);
        assertThat(received()).as("in the read that carried them").isEqualTo(DATA);
        assertThat(headers(version)).isEqualTo(1);
        assertNotRejected();
        assertThat(channel.pipeline().names()).as("the reader left").noneMatch(handler -> handler.startsWith("echo-proxy"));
    }

    @Test
    void theTlvsOfAV2HeaderReachTheEcho() {
        read(ProxyProtocolMode.REQUIRED);
        write(ProxyHeaders.v2(TCP4, "203.0.113.3", 40003, "198.51.100.1", 7, ProxyHeaders.cloudTlvs()));
        assertThat(started).singleElement().satisfies(origin -> assertThat(origin.header().orElseThrow().tlvs())
                .containsEntry("aws_vpce_id", "vpce-08d2bf15fac5001c9").containsEntry("authority", "echo.example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "PROXY TCP5 203.0.113.1 198.51.100.1 40001 7\r\n",
            "PROXY TCP4 203.0.113.1 198.51.100.1 40001 70000\r\n", "PROXY TCP4 2001:db8::1 198.51.100.1 40001 7\r\n",
            "PROXY TCP4 203.0.113.1 198.51.100.1 40001\r\n" })
    void aV1LineWithAnInvalidFieldIsRejected(String line) {
        read(ProxyProtocolMode.REQUIRED);
        write(concat(line.getBytes(StandardCharsets.US_ASCII), DATA));
        assertRejected(ProxyRejection.INVALID);
    }

    @Test
    void aV1LineWithoutItsEndWithinTheMostBytesIsRejectedWithoutWaitingForMore() {
        read(ProxyProtocolMode.REQUIRED);
        write(("PROXY TCP4 203.0.113.1 198.51.100.1 40001 7" + " ".repeat(100)).getBytes(StandardCharsets.US_ASCII));
        assertRejected(ProxyRejection.INVALID);
    }

    @Test
    void aV2HeaderLongerThanAllowedIsRejectedFromItsFixedPartAlone() {
        read(ProxyProtocolMode.REQUIRED);
        write(ProxyHeaders.v2Raw(new byte[] { 0x21, 0x11, (byte) 0xFF, (byte) 0xFF }));
        assertRejected(ProxyRejection.INVALID);
    }

    @Test
    void aV2TlvThatRunsPastTheHeaderIsRejected() {
        read(ProxyProtocolMode.REQUIRED);
        byte[] addresses = { (byte) 203, 0, 113, 1, (byte) 198, 51, 100, 1, (byte) 0x9C, 0x41, 0x00, 0x07 };
        byte[] tlv = { 0x04, 0x00, 0x09, 'x' };
        byte[] header = concat(new byte[] { 0x21, 0x11, 0x00, (byte) (addresses.length + tlv.length) }, concat(addresses, tlv));
        write(ProxyHeaders.v2Raw(header));
        assertRejected(ProxyRejection.INVALID);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "GET / HTTP/1.1\r\n", "X", "PROXX" })
    void inRequiredModeDataThatCannotBeginAHeaderIsRejectedAtOnce(String data) {
        read(ProxyProtocolMode.REQUIRED);
        write(data.getBytes(StandardCharsets.US_ASCII));
        assertRejected(ProxyRejection.MISSING);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "GET / HTTP/1.1\r\n", "X" })
    void inOptionalModeDataThatCannotBeginAHeaderIsEchoedAtOnce(String data) {
        read(ProxyProtocolMode.OPTIONAL);
        byte[] bytes = data.getBytes(StandardCharsets.US_ASCII);
        write(bytes);
        assertStartedDirect();
        assertThat(received()).isEqualTo(bytes);
    }

    @Test
    void inOptionalModeAValidHeaderIsUsed() {
        read(ProxyProtocolMode.OPTIONAL);
        write(concat(ProxyHeaders.v1(TCP4, "203.0.113.1", 40001, "198.51.100.1", 7), DATA));
        assertThat(started).singleElement().extracting(ClientOrigin::client).isEqualTo(new InetSocketAddress("203.0.113.1", 40001));
        assertThat(received()).isEqualTo(DATA);
    }

    @Test
    void inOptionalModeDataThatMerelyBeginsLikeASignatureIsEchoedAtTheTimeout() {
        read(ProxyProtocolMode.OPTIONAL);
        write("PRO".getBytes(StandardCharsets.US_ASCII));
        advanceTime(TIMEOUT.minusNanos(1));
        assertThat(started).as("not yet").isEmpty();
        assertThat(channel.inboundMessages()).as("held").isEmpty();

        advanceTime(Duration.ofNanos(1));
        assertStartedDirect();
        assertThat(received()).isEqualTo("PRO".getBytes(StandardCharsets.US_ASCII));
        write(DATA);
        assertThat(received()).isEqualTo(DATA);
    }

    @Test
    void inOptionalModeAV1SignatureWithoutItsLineIsRejectedAtTheTimeout() {
        read(ProxyProtocolMode.OPTIONAL);
        write("PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII));
        advanceTime(TIMEOUT);
        assertRejected(ProxyRejection.TIMEOUT);
    }

    @Test
    void inRequiredModeNoCompleteHeaderWithinTheTimeoutIsRejected() {
        read(ProxyProtocolMode.REQUIRED);
        write("PRO".getBytes(StandardCharsets.US_ASCII));
        advanceTime(TIMEOUT.minusNanos(1));
        assertNotRejected();
        advanceTime(Duration.ofNanos(1));
        assertRejected(ProxyRejection.TIMEOUT);
    }

    @Test
    void aHeaderInTimeStopsTheTimeout() {
        read(ProxyProtocolMode.REQUIRED);
        write(ProxyHeaders.v1Unknown());
        advanceTime(TIMEOUT);
        assertThat(started).hasSize(1);
        assertNotRejected();
        assertThat(channel.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "PRO", "PROXY TCP4 203.0.113.1" })
    void inRequiredModeAFinBeforeTheHeaderIsCompleteIsRejected(String part) {
        read(ProxyProtocolMode.REQUIRED);
        write(part.getBytes(StandardCharsets.US_ASCII));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertRejected(ProxyRejection.INCOMPLETE);
    }

    @Test
    void inRequiredModeAFinMidwayThroughAV2HeaderIsRejected() {
        read(ProxyProtocolMode.REQUIRED);
        byte[] header = ProxyHeaders.v2(TCP4, "203.0.113.3", 40003, "198.51.100.1", 7, ProxyHeaders.cloudTlvs());
        write(Arrays.copyOf(header, header.length - 1));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertRejected(ProxyRejection.INCOMPLETE);
    }

    @Test
    void inOptionalModeAFinAfterAV1SignatureIsRejected() {
        read(ProxyProtocolMode.OPTIONAL);
        write("PROXY TCP4 203.0.113.1".getBytes(StandardCharsets.US_ASCII));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertRejected(ProxyRejection.INCOMPLETE);
    }

    @Test
    void inOptionalModeAFinBeforeASignatureIsCompleteMakesWhatCameData() {
        read(ProxyProtocolMode.OPTIONAL);
        write("PR".getBytes(StandardCharsets.US_ASCII));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertStartedDirect();
        assertThat(received()).isEqualTo("PR".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aCloseBeforeTheHeaderIsCompleteIsRejected() {
        read(ProxyProtocolMode.REQUIRED);
        write("PROXY TCP4".getBytes(StandardCharsets.US_ASCII));
        channel.close();
        assertRejected(ProxyRejection.INCOMPLETE);
    }

    @Test
    void aResetBeforeTheHeaderIsCompleteIsRejectedAndNotPassedOn() {
        read(ProxyProtocolMode.REQUIRED);
        write("PROXY TCP4".getBytes(StandardCharsets.US_ASCII));
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertRejected(ProxyRejection.INCOMPLETE);
        channel.checkException();
    }

    /** Only the first rejection of a reason is logged as a warning; every one is counted. */
    @Test
    void everyRejectionIsCountedNotOnlyTheFirstOfItsReason() {
        read(ProxyProtocolMode.REQUIRED);
        write("X".getBytes(StandardCharsets.US_ASCII));
        EmbeddedChannel second = connection();
        ProxyProtocolReader.handlers(ProxyProtocolMode.REQUIRED, TIMEOUT, metrics, started::add)
                .forEach((stage, handler) -> stage.add(second, handler));
        ByteBuf buffer = Unpooled.copiedBuffer("Y".getBytes(StandardCharsets.US_ASCII));
        written.add(buffer);
        second.writeInbound(buffer);
        assertThat(rejected(ProxyRejection.MISSING)).isEqualTo(2);
        assertThat(second.isOpen()).isFalse();
        assertThat(second.finish()).isFalse();
    }

    /** A connection from {@link #PEER}. */
    private static EmbeddedChannel connection() {
        return new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return PEER;
            }
        };
    }

    private void read(ProxyProtocolMode mode) {
        channel.freezeTime();
        ProxyProtocolReader.handlers(mode, TIMEOUT, metrics, origin -> {
            receivedAtStart.add(channel.inboundMessages().size());
            started.add(origin);
        }).forEach((stage, handler) -> stage.add(channel, handler));
    }

    private void write(byte[] bytes) {
        ByteBuf buffer = Unpooled.copiedBuffer(bytes);
        written.add(buffer);
        channel.writeInbound(buffer);
    }

    private void advanceTime(Duration time) {
        channel.advanceTimeBy(time.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Every byte that reached the echo since the last call, released. */
    private byte[] received() {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readInbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        return ByteBufUtil.getBytes(all);
    }

    private void assertStartedDirect() {
        assertThat(started).containsExactly(new ClientOrigin(PEER, PEER, Optional.empty()));
        assertThat(channel.pipeline().names()).as("the reader left").noneMatch(handler -> handler.startsWith("echo-proxy"));
        assertNotRejected();
    }

    private void assertRejected(ProxyRejection reason) {
        for (ProxyRejection each : ProxyRejection.values()) {
            assertThat(rejected(each)).as(each.tag()).isEqualTo(each == reason ? 1 : 0);
        }
        assertThat(started).as("no echo").isEmpty();
        assertThat(channel.inboundMessages()).as("nothing passed on").isEmpty();
        assertThat(channel.isOpen()).as("closed").isFalse();
    }

    private void assertNotRejected() {
        for (ProxyRejection each : ProxyRejection.values()) {
            assertThat(rejected(each)).as(each.tag()).isZero();
        }
    }

    /** Fails when the series is missing. */
    private double rejected(ProxyRejection reason) {
        return registry.get("echo.proxy.protocol.rejected").tag("reason", reason.tag()).counter().count();
    }

    private double headers(int version) {
        return registry.get("echo.proxy.protocol.headers").tag("version", String.valueOf(version)).counter().count();
    }

    private static EchoConfig defaultConfig() {
        return new SmallRyeConfigBuilder().addDiscoveredConverters().withMapping(EchoConfig.class).build()
                .getConfigMapping(EchoConfig.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
