package io.tcpecho.health;

import java.util.Locale;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.tcpecho.echo.ConnectionRegistry;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.memory.MemoryBudget;
import io.tcpecho.memory.MemoryState;

/**
 * Ready while every echo instance is bound and accepting, and the server would serve a new echo connection. It goes
 * DOWN when the listener closes for a drain (Quarkus's shutdown-delay check has reported DOWN since the shutdown
 * began), while the memory budget is spent ({@code reason: overloaded}), and while the echo ports hold
 * {@code echo.max-connections} (a new one would be refused at once), so that load balancers send new connections to
 * other pods meanwhile. Liveness never looks at any of these: a busy pod is alive.
 */
@Readiness
@Singleton
public class EchoReadinessCheck implements HealthCheck {

    private final EchoServer server;
    private final ConnectionRegistry connections;
    private final MemoryBudget budget;

    EchoReadinessCheck(EchoServer server, ConnectionRegistry connections, MemoryBudget budget) {
        this.server = server;
        this.connections = connections;
        this.budget = budget;
    }

    @Override
    public HealthCheckResponse call() {
        boolean listening = server.isListening();
        boolean overloaded = budget.state() == MemoryState.OVERLOADED;
        boolean full = connections.echoFull();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("echo-listener")
                .status(listening && !overloaded && !full)
                .withData("port", server.port())
                .withData("instances", server.instances())
                .withData("connections", connections.size())
                .withData("fault-port-connections", connections.faultPortConnections())
                .withData("memory", budget.state().name().toLowerCase(Locale.ROOT))
                .withData("memory-held-bytes", budget.held())
                .withData("memory-budget-bytes", budget.budget());
        if (!listening) {
            response.withData("reason", "not listening");
        } else if (overloaded) {
            response.withData("reason", "overloaded");
        } else if (full) {
            response.withData("reason", "at echo.max-connections");
        }
        return response.build();
    }
}
