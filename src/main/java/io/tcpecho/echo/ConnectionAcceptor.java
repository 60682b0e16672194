package io.tcpecho.echo;

import java.util.Optional;

import jakarta.inject.Singleton;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.identity.PodIdentity;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.tls.TlsSession;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * Starts the echo of each accepted connection, on the connection's event loop: at once, or once its PROXY
 * protocol header has named the client (echo.proxy-protocol). A TLS connection arrives with its handshake done,
 * and never with a header to read: start-up refuses echo.proxy-protocol with echo.tls.port.
 */
@Singleton
public class ConnectionAcceptor implements Handler<NetSocket> {

    private final ConnectionServices services;
    private final TlsListener tls;

    ConnectionAcceptor(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
            PodIdentity pod, TlsListener tls) {
        this.tls = tls;
        Optional<AccessLog> accessLog = config.accessLog() ? Optional.of(new AccessLog(pod)) : Optional.empty();
        this.services = new ConnectionServices(config, metrics, registry, budget, accessLog, tls);
    }

    @Override
    public void handle(NetSocket socket) {
        Optional<TlsSession> session = socket.isSsl() ? Optional.of(tls.handshakeDone(socket)) : Optional.empty();
        ProxyProtocolReader.identify(socket, services.config(), services.metrics(),
                origin -> new EchoConnection(socket, origin, session, services).start());
    }
}
