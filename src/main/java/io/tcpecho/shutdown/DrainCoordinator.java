package io.tcpecho.shutdown;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.tcpecho.config.DrainTimeoutEnd;
import io.tcpecho.config.EchoConfig;
import io.tcpecho.config.Units;
import io.tcpecho.echo.CloseReason;
import io.tcpecho.echo.ConnectionRegistry;
import io.tcpecho.echo.DrainWay;
import io.tcpecho.echo.EchoMetrics;
import io.tcpecho.echo.EchoServer;

/**
 * The echo side of a graceful shutdown. Quarkus runs it after its shutdown delay, during which readiness is
 * already DOWN so that load balancers stop sending new connections: stop accepting, tell each connection that the drain
 * began (with echo.drain-quiet-close, a quiet one is ended by the server's FIN), give the connections in progress up
 * to {@code echo.drain-timeout} to finish, then end the rest as echo.drain-on-timeout says. How long it took is the
 * gauge {@code echo_drain_duration_seconds}, growing while it runs.
 * <p>
 * Created at start-up, so that the gauge is there before any drain.
 */
@Startup
@Singleton
public class DrainCoordinator {

    private static final Logger LOG = Logger.getLogger(DrainCoordinator.class);
    /**
     * How long the connections ended at the timeout get to go, and then those aborted: a FIN after the echo waits for
     * the echo to move and lingers for the client's FIN, 2 s each at most (EchoHandler).
     */
    private static final Duration END_GRACE = Duration.ofSeconds(5);

    private final EchoServer server;
    private final ConnectionRegistry connections;
    private final EchoMetrics metrics;
    private final EchoConfig config;
    /** System.nanoTime at the drain's start and end, 0 until then; read by the gauge from the metrics thread. */
    private volatile long startedAt;
    private volatile long endedAt;

    DrainCoordinator(EchoServer server, ConnectionRegistry connections, EchoMetrics metrics, EchoConfig config,
            MeterRegistry registry) {
        this.server = server;
        this.connections = connections;
        this.metrics = metrics;
        this.config = config;
        Gauge.builder("echo.drain.duration", this, DrainCoordinator::secondsDraining).baseUnit("seconds")
                .description("How long the graceful drain has taken: 0 before it, growing while it runs, then its length")
                .register(registry);
    }

    void drain(@Observes ShutdownEvent shutdown) throws InterruptedException {
        startedAt = System.nanoTime();
        server.stopAccepting();
        connections.drain();
        Duration timeout = config.drainTimeout();
        Duration quiet = config.drainQuietClose();
        LOG.infof("Draining %d echo connections for up to %s%s", connections.size(), Units.formatDuration(timeout),
                quiet.isZero() ? "" : ", ending each by the server's FIN once quiet for " + Units.formatDuration(quiet));
        if (connections.awaitEmpty(timeout)) {
            LOG.info("Every echo connection finished");
        } else {
            DrainTimeoutEnd how = config.drainOnTimeout();
            LOG.infof("Drain timeout: closing %d echo connections still open, %s", connections.size(),
                    how == DrainTimeoutEnd.FIN ? "each by the server's FIN after the echo read so far" : "each by a reset");
            connections.endAtDrainTimeout(how);
            if (!connections.awaitEmpty(END_GRACE)) {
                LOG.infof("Aborting %d echo connections that did not end within %s", connections.size(),
                        Units.formatDuration(END_GRACE));
                connections.abortAll(CloseReason.SHUTDOWN);
                connections.awaitEmpty(END_GRACE);
            }
        }
        endedAt = System.nanoTime();
        LOG.infof("Drained in %s: %d echo connections ended by the quiet close, %d finished, %d at the timeout",
                Units.formatDuration(Duration.ofMillis(Math.round(secondsDraining() * 1000))),
                metrics.endedInDrain(DrainWay.QUIET_CLOSE), metrics.endedInDrain(DrainWay.FINISHED),
                metrics.endedInDrain(DrainWay.TIMEOUT));
    }

    private double secondsDraining() {
        long started = startedAt;
        if (started == 0) {
            return 0;
        }
        long ended = endedAt;
        return ((ended == 0 ? System.nanoTime() : ended) - started) / 1e9;
    }
}
