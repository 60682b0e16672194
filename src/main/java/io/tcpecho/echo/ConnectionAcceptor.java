package io.tcpecho.echo;

import jakarta.inject.Singleton;

import io.tcpecho.config.EchoConfig;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/** Starts the echo of each accepted connection, on the connection's event loop. */
@Singleton
public class ConnectionAcceptor implements Handler<NetSocket> {

    private final EchoConfig config;
    private final EchoMetrics metrics;
    private final ConnectionRegistry registry;

    ConnectionAcceptor(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry) {
        this.config = config;
        this.metrics = metrics;
        this.registry = registry;
    }

    @Override
    public void handle(NetSocket socket) {
        new EchoConnection(socket, metrics, registry)
                .start(config.maxConnections(), config.writeQueueHighWaterMark(), config.idleTimeout());
    }
}
