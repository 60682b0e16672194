package io.tcpecho.echo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.fault.FaultMetrics;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.identity.PodIdentity;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.tls.TlsSession;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * Starts each accepted connection, on its event loop: reads its PROXY protocol header first when echo.proxy-protocol
 * asks for one, then lets its listener's {@link FaultRoute} start the echo. A TLS connection arrives with its
 * handshake done, and never with a header to read: start-up refuses echo.proxy-protocol with echo.tls.port.
 * <p>
 * Every listener hands its connections here, marked with the listener's name: the dev-mode gate hands connections
 * held across a restart to the new application's acceptor, which finds their listener by that name (a string, which
 * crosses class loaders) among its own.
 */
@Singleton
public class ConnectionAcceptor implements Handler<NetSocket> {

    /** The listener a connection came to: a parent-class-loader type, so that it survives a dev-mode restart. */
    static final AttributeKey<String> LISTENER = AttributeKey.valueOf("tcp-echo.listener");

    private final ConnectionServices services;
    /** By name; set by the echo server before its listeners open. */
    private volatile Map<String, Listener> listeners = Map.of();

    ConnectionAcceptor(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
            PodIdentity pod, TlsListener tls, FaultMetrics faultMetrics, FaultRefusals refusals, EventLoopProgress progress) {
        Optional<AccessLog> accessLog = config.accessLog() ? Optional.of(new AccessLog(pod)) : Optional.empty();
        this.services = new ConnectionServices(config, metrics, registry, budget, accessLog, tls, faultMetrics, refusals,
                progress);
    }

    /** The listeners whose connections come here. */
    void serve(List<Listener> declared) {
        listeners = declared.stream().collect(Collectors.toUnmodifiableMap(Listener::name, Function.identity()));
    }

    @Override
    public void handle(NetSocket socket) {
        Channel channel = EchoChannels.channel(socket);
        Listener listener = listeners.get(channel.attr(LISTENER).get());
        if (listener == null) {
            // Held across a dev-mode restart whose new configuration dropped its listener.
            EchoChannels.closeNow(channel);
            return;
        }
        Optional<TlsSession> session = socket.isSsl() ? Optional.of(services.tls().handshakeDone(socket)) : Optional.empty();
        Runnable echoing = services.metrics().opening(channel);
        ProxyProtocolReader.identify(socket, services.config(), services.metrics(),
                origin -> listener.route().select(new AcceptedConnection(channel, origin, session, listener.identity(),
                        services, echoing)));
    }
}
