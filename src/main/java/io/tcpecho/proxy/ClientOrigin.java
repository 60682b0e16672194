package io.tcpecho.proxy;

import java.net.InetSocketAddress;
import java.util.Optional;

import io.netty.util.NetUtil;

/**
 * Who a connection is from. {@code peer} is the address at the other end of the TCP connection; {@code client}
 * is the one to show and count: the source a PROXY protocol header names, or the peer when there is no header or
 * the header names no address (a load balancer's own health check, an unknown protocol).
 */
public record ClientOrigin(InetSocketAddress peer, InetSocketAddress client, Optional<ProxyHeader> header) {

    /** A connection with no PROXY protocol header. */
    public static ClientOrigin direct(InetSocketAddress peer) {
        return new ClientOrigin(peer, peer, Optional.empty());
    }

    /** For logs: the client, and the load balancer it came through when that is another address. */
    @Override
    public String toString() {
        return peer == null || peer.equals(client) ? format(client) : format(client) + " (through " + format(peer) + ")";
    }

    /** {@code 203.0.113.7:5000}, {@code [2001:db8::7]:5000} (RFC 5952), without InetSocketAddress's slash. */
    public static String format(InetSocketAddress address) {
        return address == null ? "-" : NetUtil.toSocketAddressString(address);
    }

    /** A connection that began with {@code header}. */
    public static ClientOrigin proxied(InetSocketAddress peer, ProxyHeader header) {
        return new ClientOrigin(peer, header.source().orElse(peer), Optional.of(header));
    }
}
