package io.tcpecho.echo;

import java.net.InetSocketAddress;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.identity.PodIdentity;
import io.netty.channel.Channel;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsListener;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * Starts the echo of each accepted connection, on the connection's event loop: at once, or once its PROXY
 * protocol header has named the client (echo.proxy-protocol). A TLS connection arrives with its handshake done.
 */
@Singleton
public class ConnectionAcceptor implements Handler<NetSocket> {

    private final ConnectionServices services;
    private final TlsListener tls;

    ConnectionAcceptor(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
            PodIdentity pod, TlsListener tls) {
        this.tls = tls;
        Optional<AccessLog> accessLog = config.accessLog() ? Optional.of(new AccessLog(pod)) : Optional.empty();
        this.services = new ConnectionServices(config, metrics, registry, budget, accessLog);
    }

    @Override
    public void handle(NetSocket socket) {
        if (socket.isSsl()) {
            Channel channel = EchoChannels.prepare(socket);
            ClientOrigin origin = ClientOrigin.direct((InetSocketAddress) channel.remoteAddress());
            new EchoConnection(socket, origin, Optional.of(tls.handshakeDone(socket)), services).start();
            return;
        }
        ProxyProtocolReader.identify(socket, services.config(), services.metrics(),
                origin -> new EchoConnection(socket, origin, Optional.empty(), services).start());
    }
}
