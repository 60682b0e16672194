package io.tcpecho.proxy;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;

/**
 * A decoded PROXY protocol header, kept after Netty's message is released.
 *
 * @param version 1 (text) or 2 (binary)
 * @param command {@code proxy}, or {@code local} for connections the proxy makes itself (health checks)
 * @param protocol {@code tcp4}, {@code tcp6}, {@code unknown} ... as the header says
 * @param source the client, when the header names one
 * @param destination the address the client connected to, when the header names one
 * @param tlvs v2 type-length-values by name, decoded where their meaning is known (see {@link ProxyTlvs})
 */
public record ProxyHeader(int version, String command, String protocol, Optional<InetSocketAddress> source,
        Optional<InetSocketAddress> destination, Map<String, String> tlvs) {

    public static ProxyHeader of(HAProxyMessage message) {
        boolean addressed = message.command() == HAProxyCommand.PROXY
                && message.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNSPEC
                && message.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNIX;
        return new ProxyHeader(message.protocolVersion() == HAProxyProtocolVersion.V1 ? 1 : 2,
                message.command().name().toLowerCase(Locale.ROOT),
                message.proxiedProtocol().name().toLowerCase(Locale.ROOT),
                addressed ? Optional.of(address(message.sourceAddress(), message.sourcePort())) : Optional.empty(),
                addressed ? Optional.of(address(message.destinationAddress(), message.destinationPort())) : Optional.empty(),
                ProxyTlvs.decode(message.tlvs()));
    }

    /** The decoder checked the literal already; this never resolves a name. */
    private static InetSocketAddress address(String literal, int port) {
        return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(literal), port);
    }
}
