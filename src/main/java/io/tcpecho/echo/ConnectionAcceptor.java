package io.tcpecho.echo;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import jakarta.inject.Singleton;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.echo.ConnectionRegistry.Pool;
import io.tcpecho.fault.ConnectionFaults;
import io.tcpecho.fault.FaultCommandReader;
import io.tcpecho.fault.FaultMetrics;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.fault.FaultScenario;
import io.tcpecho.fault.FaultSelection;
import io.tcpecho.fault.FaultSpec;
import io.tcpecho.identity.PodIdentity;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsHalfClose;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.tls.TlsSession;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * Starts the echo of each accepted connection, on the connection's event loop: at once, or once its PROXY protocol
 * header has named the client (echo.proxy-protocol), with the faults of the listener it came to: none on the plain and
 * TLS ports (but those its server name selects, with echo.tls.faults-by-sni), a scenario's on its port, those of its
 * first line on the command port. A TLS connection arrives with its handshake done, and never with a header to read:
 * start-up refuses echo.proxy-protocol with echo.tls.port.
 * <p>
 * Every listener hands its connections here, marked with the listener's name (the dev-mode gate hands held connections
 * of any listener to the restarted application's one acceptor).
 */
@Singleton
public class ConnectionAcceptor implements Handler<NetSocket> {

    /** The listener a connection came to: a parent-class-loader type, so that it survives a dev-mode restart. */
    static final AttributeKey<String> LISTENER = AttributeKey.valueOf("tcp-echo.listener");
    static final String COMMAND = "command";
    static final String SNI = "sni";

    private final ConnectionServices services;
    private final TlsListener tls;
    private final FaultMetrics faultMetrics;
    private final FaultRefusals refusals;
    private final EchoConfig config;
    /** By listener name; made by {@link #scenarios()} once the configuration has been validated. */
    private volatile Map<String, FaultScenario> scenarios = Map.of();

    ConnectionAcceptor(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget,
            PodIdentity pod, TlsListener tls, FaultMetrics faultMetrics, FaultRefusals refusals) {
        this.tls = tls;
        this.faultMetrics = faultMetrics;
        this.refusals = refusals;
        Optional<AccessLog> accessLog = config.accessLog() ? Optional.of(new AccessLog(pod)) : Optional.empty();
        this.services = new ConnectionServices(config, metrics, registry, budget, accessLog, tls);
        this.config = config;
    }

    /** The listener name of a scenario's port. */
    static String scenarioListener(String scenario) {
        return "fault/" + scenario;
    }

    /**
     * The scenarios by listener name, each to be given a listener: read from the configuration at the first call, which
     * the echo server makes after it validated the configuration (so that a bad value is reported as such).
     */
    synchronized Map<String, FaultScenario> scenarios() {
        if (scenarios.isEmpty() && !config.faults().scenarios().isEmpty()) {
            scenarios = config.faults().scenarios().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                    entry -> scenarioListener(entry.getKey()), entry -> FaultScenario.of(entry.getKey(), entry.getValue())));
            scenarios.values().forEach(scenario -> faultMetrics.register(scenario.name(), scenario.faults().faults()));
        }
        return scenarios;
    }

    @Override
    public void handle(NetSocket socket) {
        String listener = EchoChannels.channel(socket).attr(LISTENER).get();
        Optional<TlsSession> session = socket.isSsl() ? Optional.of(tls.handshakeDone(socket)) : Optional.empty();
        ProxyProtocolReader.identify(socket, services.config(), services.metrics(),
                origin -> start(socket, origin, session, listener));
    }

    private void start(NetSocket socket, ClientOrigin origin, Optional<TlsSession> session, String listener) {
        FaultScenario scenario = scenarios.get(listener);
        if (scenario != null) {
            echo(socket, origin, session, Pool.FAULTS, scenario.name(), scenario.faults());
        } else if (COMMAND.equals(listener)) {
            EchoChannels.addBeforeVertx(EchoChannels.channel(socket), FaultCommandReader.NAME, new FaultCommandReader(
                    services.config().faults().commandTimeout(),
                    faults -> echo(socket, origin, session, Pool.FAULTS, COMMAND, faults),
                    refused -> refuse(socket, origin, COMMAND, refused)));
        } else if (session.isPresent() && services.config().tls().faultsBySni() && session.get().serverName().isPresent()) {
            try {
                Optional<FaultSpec> faults = FaultSelection.serverName(session.get().serverName().get());
                echo(socket, origin, session, Pool.ECHO, faults.isPresent() ? SNI : null, faults.orElse(FaultSpec.NONE));
            } catch (FaultSelection.Refused refused) {
                refuse(socket, origin, SNI, refused);
            }
        } else {
            echo(socket, origin, session, Pool.ECHO, null, FaultSpec.NONE);
        }
    }

    private void echo(NetSocket socket, ClientOrigin origin, Optional<TlsSession> session, Pool pool, String scenario,
            FaultSpec faults) {
        new EchoConnection(socket, origin, session, services, pool, scenario,
                ConnectionFaults.choose(scenario, faults, faultMetrics)).start();
    }

    /**
     * Answers a refused selection with one line, then the server's FIN (after close_notify on TLS); what the client
     * sends meanwhile is dropped, and the connection is closed at the client's FIN or after a short while.
     */
    private void refuse(NetSocket socket, ClientOrigin origin, String via, FaultSelection.Refused refused) {
        refusals.refused(via, refused, origin.toString());
        Channel channel = EchoChannels.channel(socket);
        EchoChannels.internal(socket).messageHandler(ReferenceCountUtil::release);
        EchoChannels.internal(socket).eventHandler(event -> {
            if (TlsHalfClose.isEndOfInput(event)) {
                socket.close();
            }
        });
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(() -> channel.close(), EchoConnection.LINGER_AFTER_SERVER_FIN_MILLIS,
                TimeUnit.MILLISECONDS);
        channel.writeAndFlush(Unpooled.copiedBuffer(FaultRefusals.errorLine(refused), StandardCharsets.US_ASCII))
                .addListener((ChannelFuture written) -> TlsHalfClose.shutdownOutput(channel));
    }
}
