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
 * Ready while every echo instance is bound and accepting, and the server is not overloaded. It goes DOWN
 * when the listener closes for a drain (Quarkus's shutdown-delay check has reported DOWN since the shutdown
 * began), and while the memory budget is spent ({@code reason: overloaded}), so that load balancers send new
 * connections to other pods until memory frees. Liveness never looks at either: an overloaded pod is alive.
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
        HealthCheckResponseBuilder response = HealthCheckResponse.named("echo-listener")
                .status(listening && !overloaded)
                .withData("port", server.port())
                .withData("instances", server.instances())
                .withData("connections", connections.size())
                .withData("memory", budget.state().name().toLowerCase(Locale.ROOT))
                .withData("memory-held-bytes", budget.held())
                .withData("memory-budget-bytes", budget.budget());
        if (!listening) {
            response.withData("reason", "not listening");
        } else if (overloaded) {
            response.withData("reason", "overloaded");
        }
        return response.build();
    }
}
