package io.tcpecho.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;

/** PROXY protocol headers as a load balancer sends them, written by Netty's own encoder where it can. */
public final class ProxyHeaders {

    /** The twelve bytes a v2 header begins with (specification, section 2.2). */
    public static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

    private ProxyHeaders() {
    }

    /** A v2 header written byte by byte, as no encoder would: the signature, then {@code afterSignature}. */
    public static byte[] v2Raw(byte[] afterSignature) {
        return concat(V2_SIGNATURE, afterSignature);
    }

    public static byte[] v1(HAProxyProxiedProtocol protocol, String source, int sourcePort, String destination,
            int destinationPort) {
        return encode(new HAProxyMessage(HAProxyProtocolVersion.V1, HAProxyCommand.PROXY, protocol, source, destination,
                sourcePort, destinationPort));
    }

    /**
     * What HAProxy sends for a connection whose addresses it cannot name, written out by hand: Netty's encoder
     * cannot write a v1 UNKNOWN header (it fails on the missing addresses).
     */
    public static byte[] v1Unknown() {
        return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] v2(HAProxyProxiedProtocol protocol, String source, int sourcePort, String destination,
            int destinationPort, List<HAProxyTLV> tlvs) {
        return encode(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY, protocol, source, destination,
                sourcePort, destinationPort, tlvs));
    }

    /** What a proxy sends on connections of its own, such as health checks: no client address. */
    public static byte[] v2Local() {
        return encode(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.LOCAL, HAProxyProxiedProtocol.UNKNOWN,
                null, null, 0, 0));
    }

    /** The TLVs of the three clouds and of a TLS-terminating proxy, with the values their documentation shows. */
    public static List<HAProxyTLV> cloudTlvs() {
        return List.of(
                tlv(0xEA, concat(new byte[] { 0x01 }, "vpce-08d2bf15fac5001c9".getBytes())),
                tlv(0xE0, Unpooled.buffer(8).writeLong(0xFFFF_0000_0000_0001L).array()),
                tlv(0xEE, new byte[] { 0x01, 0x2A, 0x00, 0x00, 0x01 }),
                new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_AUTHORITY, Unpooled.copiedBuffer("echo.example.com".getBytes())),
                new HAProxySSLTLV(0, (byte) 0x01, List.of(
                        new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_SSL_VERSION, Unpooled.copiedBuffer("TLSv1.3".getBytes())))),
                tlv(0x7F, new byte[] { 0x12, 0x34 }));
    }

    private static HAProxyTLV tlv(int type, byte[] value) {
        return new HAProxyTLV((byte) type, Unpooled.wrappedBuffer(value));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] encode(HAProxyMessage message) {
        EmbeddedChannel channel = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        channel.writeOutbound(message);
        ByteBuf encoded = channel.readOutbound();
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
            channel.finishAndReleaseAll();
        }
    }
}
