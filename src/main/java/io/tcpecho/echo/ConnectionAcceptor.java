package io.tcpecho.echo;

import jakarta.inject.Singleton;

import io.tcpecho.config.EchoConfig;
import io.tcpecho.memory.MemoryBudget;
import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/** Starts the echo of each accepted connection, on the connection's event loop. */
@Singleton
public class ConnectionAcceptor implements Handler<NetSocket> {

    private final ConnectionServices services;

    ConnectionAcceptor(EchoConfig config, EchoMetrics metrics, ConnectionRegistry registry, MemoryBudget budget) {
        this.services = new ConnectionServices(config, metrics, registry, budget);
    }

    @Override
    public void handle(NetSocket socket) {
        new EchoConnection(socket, services).start();
    }
}
