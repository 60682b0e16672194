package io.tcpecho.health;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.tcpecho.echo.ConnectionRegistry;
import io.tcpecho.echo.EchoServer;

/**
 * Ready while every echo instance is bound and accepting. It goes DOWN when the listener closes for a
 * drain; Quarkus's shutdown-delay check has reported DOWN since the shutdown began.
 */
@Readiness
@Singleton
public class EchoReadinessCheck implements HealthCheck {

    private final EchoServer server;
    private final ConnectionRegistry connections;

    EchoReadinessCheck(EchoServer server, ConnectionRegistry connections) {
        this.server = server;
        this.connections = connections;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("echo-listener")
                .status(server.isListening())
                .withData("port", server.port())
                .withData("instances", server.instances())
                .withData("connections", connections.size())
                .build();
    }
}
