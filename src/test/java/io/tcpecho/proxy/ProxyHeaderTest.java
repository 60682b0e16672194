package io.tcpecho.proxy;

import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4;
import static io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP6;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.tcpecho.testing.ProxyHeaders;

/** Headers written by Netty's encoder, read by its decoder, kept as {@link ProxyHeader}: what each field becomes. */
class ProxyHeaderTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.9", 41000);

    @Test
    void v1NamesTheClientAndTheAddressItConnectedTo() {
        ProxyHeader header = decode(ProxyHeaders.v1(TCP4, "203.0.113.7", 51234, "198.51.100.1", 7));
        assertThat(header).isEqualTo(new ProxyHeader(1, "proxy", "tcp4",
                Optional.of(new InetSocketAddress("203.0.113.7", 51234)),
                Optional.of(new InetSocketAddress("198.51.100.1", 7)), Map.of()));
        assertThat(ClientOrigin.proxied(PEER, header).client()).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
        assertThat(ClientOrigin.proxied(PEER, header)).hasToString("203.0.113.7:51234 (through 10.0.0.9:41000)");
    }

    @Test
    void v2DecodesTheCloudTlvsAndKeepsUnknownOnesAsHex() {
        ProxyHeader header = decode(ProxyHeaders.v2(TCP6, "2001:db8::7", 443, "2001:db8::1", 7, ProxyHeaders.cloudTlvs()));
        assertThat(header.version()).isEqualTo(2);
        assertThat(header.source()).contains(new InetSocketAddress("2001:db8::7", 443));
        assertThat(header.tlvs()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "aws_vpce_id", "vpce-08d2bf15fac5001c9",
                "gcp_psc_connection_id", Long.toUnsignedString(0xFFFF_0000_0000_0001L),
                "azure_private_endpoint_link_id", String.valueOf(0x0100002A),
                "authority", "echo.example.com",
                "ssl_client_ssl", "true",
                "ssl_client_cert", "false",
                "ssl_verified", "true",
                "ssl_version", "TLSv1.3",
                "0x7f", "1234"));
    }

    @Test
    void headersWithoutAnAddressLeaveThePeerAsTheClient() {
        for (byte[] bytes : List.of(ProxyHeaders.v1Unknown(), ProxyHeaders.v2Local())) {
            ProxyHeader header = decode(bytes);
            assertThat(header.source()).isEmpty();
            ClientOrigin origin = ClientOrigin.proxied(PEER, header);
            assertThat(origin.client()).isEqualTo(PEER);
            assertThat(origin).hasToString("10.0.0.9:41000");
        }
        assertThat(decode(ProxyHeaders.v2Local()).command()).isEqualTo("local");
    }

    private static ProxyHeader decode(byte[] bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        HAProxyMessage message = channel.readInbound();
        try {
            return ProxyHeader.of(message);
        } finally {
            message.release();
            channel.finishAndReleaseAll();
        }
    }
}
