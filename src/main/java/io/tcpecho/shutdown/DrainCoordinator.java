package io.tcpecho.shutdown;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.config.Units;
import io.tcpecho.echo.CloseReason;
import io.tcpecho.echo.ConnectionRegistry;
import io.tcpecho.echo.EchoServer;

/**
 * The echo side of a graceful shutdown. Quarkus runs it after its shutdown delay, during which readiness is
 * already DOWN so that load balancers stop sending new connections: stop accepting, give the connections in
 * progress up to {@code echo.drain-timeout} to finish, then abort the rest.
 */
@Singleton
public class DrainCoordinator {

    private static final Logger LOG = Logger.getLogger(DrainCoordinator.class);
    private static final Duration ABORT_GRACE = Duration.ofSeconds(5);

    private final EchoServer server;
    private final ConnectionRegistry connections;
    private final EchoConfig config;

    DrainCoordinator(EchoServer server, ConnectionRegistry connections, EchoConfig config) {
        this.server = server;
        this.connections = connections;
        this.config = config;
    }

    void drain(@Observes ShutdownEvent shutdown) throws InterruptedException {
        server.stopAccepting();
        Duration timeout = config.drainTimeout();
        LOG.infof("Draining %d echo connections for up to %s", connections.size(), Units.formatDuration(timeout));
        if (connections.awaitEmpty(timeout)) {
            LOG.info("Every echo connection finished");
            return;
        }
        LOG.infof("Drain timeout: closing %d echo connections still open", connections.size());
        connections.abortAll(CloseReason.SHUTDOWN);
        connections.awaitEmpty(ABORT_GRACE);
    }
}
