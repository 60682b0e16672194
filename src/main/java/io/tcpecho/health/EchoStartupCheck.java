package io.tcpecho.health;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import io.tcpecho.echo.EchoServer;

/** Started once the echo listener has been bound for the first time. */
@Startup
@Singleton
public class EchoStartupCheck implements HealthCheck {

    private final EchoServer server;

    EchoStartupCheck(EchoServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("echo-started").status(server.port() > 0).build();
    }
}
