package io.tcpecho.echo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.fault.FaultMetrics;
import io.tcpecho.fault.FaultScenario;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.whoami.WhoamiReplies;
import io.vertx.core.Handler;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * One TCP listener of the echo, declared with everything its connections need: the plain echo, the TLS one, the
 * identity listener, a fault scenario's, the fault command port. Each verticle instance opens every listener, so that all share the instances'
 * event loops, the drain and the readiness.
 *
 * @param name what its connections are marked with, for {@link ConnectionAcceptor} to find the listener again
 * @param portKey the property that sets its port, for errors
 * @param route how its connections get their faults
 * @param failures errors before a connection is accepted, such as a failed TLS handshake
 * @param identity the whoami lines its connections are sent before their echo: the identity listener's
 * @param announcement its start-up line, {@code %s:%d} the address it listens on; empty for the echo's own
 */
record Listener(String name, String portKey, NetServerOptions options, FaultRoute route, Handler<Throwable> failures,
        Optional<WhoamiReplies> identity, Optional<String> announcement) {

    /** The identity listener's name. */
    static final String IDENTITY = "identity";

    private static final Logger LOG = Logger.getLogger(Listener.class);

    /**
     * The listeners the configuration asks for, the plain echo first and the TLS one second; the configuration has been
     * validated. A fault scenario's faults are registered with their meters here, once.
     */
    static List<Listener> declare(EchoConfig config, TlsListener tls, FaultMetrics faultMetrics, WhoamiReplies whoami) {
        NetServerOptions options = ListenerOptions.of(config);
        Handler<Throwable> failures = failure -> LOG.debugf("Accepting an echo connection failed: %s", failure);
        List<Listener> listeners = new ArrayList<>();
        listeners.add(new Listener("echo", "echo.port", options, FaultRoute.NONE, failures, Optional.empty(),
                Optional.empty()));
        if (tls.enabled()) {
            listeners.add(new Listener("tls", "echo.tls.port", tls.options(options),
                    config.tls().faultsBySni() ? FaultRoute.SERVER_NAME : FaultRoute.NONE, tls::handshakeFailed,
                    Optional.empty(), Optional.empty()));
        }
        // A negative port is a random one shared by the instances, each listener its own: -1 and -2 are taken.
        int random = -3;
        OptionalInt identity = config.identity().port();
        if (identity.isPresent()) {
            listeners.add(new Listener(IDENTITY, "echo.identity.port",
                    new NetServerOptions(options).setPort(identity.getAsInt() == 0 ? random-- : identity.getAsInt()),
                    FaultRoute.NONE, failures, Optional.of(whoami),
                    Optional.of("Identity listener on %s:%d: each connection gets its whoami line, then the echo")));
        }
        for (Map.Entry<String, EchoConfig.Scenario> configured : new TreeMap<>(config.faults().scenarios()).entrySet()) {
            FaultScenario scenario = FaultScenario.of(configured.getKey(), configured.getValue());
            faultMetrics.register(scenario.name(), scenario.faults().faults());
            listeners.add(new Listener(scenarioListener(scenario.name()), "echo.faults." + scenario.name() + ".port",
                    new NetServerOptions(options).setPort(scenario.port() == 0 ? random-- : scenario.port()),
                    FaultRoute.scenario(scenario), failures, Optional.empty(),
                    Optional.of("Fault port '" + scenario.name() + "' listening on %s:%d: " + scenario.faults())));
        }
        OptionalInt command = config.faults().commandPort();
        if (command.isPresent()) {
            listeners.add(new Listener(FaultRoute.COMMAND, "echo.faults.command-port",
                    new NetServerOptions(options).setPort(command.getAsInt() == 0 ? random : command.getAsInt()),
                    FaultRoute.command(config.faults().commandTimeout()), failures, Optional.empty(),
                    Optional.of("Fault command port listening on %s:%d: each connection's first line picks its faults, "
                            + "such as 'FAULT latency=200ms limit-data=64KiB'")));
        }
        return List.copyOf(listeners);
    }

    /** The listener name of a scenario's port. */
    static String scenarioListener(String scenario) {
        return "fault/" + scenario;
    }

    /**
     * What the listener's server calls for each connection: makes it half-closable and safe from the listener's own
     * close during a drain, marks it with the listener's name, then hands it to {@code accept}.
     */
    Handler<NetSocket> connectHandler(ListenerCloseDeferral deferral, Handler<NetSocket> accept) {
        return socket -> {
            EchoChannels.allowHalfClosure(socket).pipeline().addLast(ListenerCloseDeferral.NAME, deferral);
            EchoChannels.channel(socket).attr(ConnectionAcceptor.LISTENER).set(name);
            accept.handle(socket);
        };
    }
}
