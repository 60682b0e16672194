package io.tcpecho.echo;

import java.util.Optional;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.tcpecho.echo.ConnectionRegistry.Pool;
import io.tcpecho.fault.ConnectionFaults;
import io.tcpecho.fault.FaultRefusals;
import io.tcpecho.fault.FaultSelection;
import io.tcpecho.fault.FaultSpec;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsSession;
import io.tcpecho.whoami.WhoamiReplies;

/**
 * An accepted connection whose client is known (from its PROXY header, if it came with one) and whose TLS handshake,
 * if any, is done: what its listener's {@link FaultRoute} makes of it. On the connection's event loop.
 */
final class AcceptedConnection {

    private final Channel channel;
    private final ClientOrigin origin;
    private final Optional<TlsSession> session;
    /** The whoami lines its listener sends before the echo (the identity listener's); empty on the others. */
    private final Optional<WhoamiReplies> identity;
    private final ConnectionServices services;
    /** Ends its count as an opening connection: the echo counts it from then on. */
    private final Runnable echoing;

    AcceptedConnection(Channel channel, ClientOrigin origin, Optional<TlsSession> session, Optional<WhoamiReplies> identity,
            ConnectionServices services, Runnable echoing) {
        this.channel = channel;
        this.origin = origin;
        this.session = session;
        this.identity = identity;
        this.services = services;
        this.echoing = echoing;
    }

    /** The server name a TLS client asked for. */
    Optional<String> serverName() {
        return session.flatMap(TlsSession::serverName);
    }

    /** Puts a stage that reads what selects the faults into the connection's pipeline. */
    void add(ConnectionPipeline stage, ChannelHandler handler) {
        stage.add(channel, handler);
    }

    /**
     * Starts the echo, with {@code faults} if the connection draws them (see {@link ConnectionFaults#choose}), after its
     * whoami line on the identity listener.
     */
    void echo(Pool pool, String scenario, FaultSpec faults) {
        ConnectionFaults chosen = ConnectionFaults.choose(scenario, faults, services.faultMetrics());
        echoing.run();
        ConnectionPipeline.ECHO.add(channel, new EchoHandler(origin, session, services, pool, scenario, chosen, identity));
    }

    /**
     * Answers a refused selection instead of echoing (see {@link RefusedSelection}); counted and logged once per kind.
     * The connection goes on counting as opening until it closes.
     */
    void refuse(String via, FaultSelection.Refused refused) {
        services.refusals().refused(via, refused, origin.toString());
        ConnectionPipeline.ECHO.add(channel, new RefusedSelection(FaultRefusals.errorLine(refused)));
    }
}
