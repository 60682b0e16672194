package io.tcpecho.echo;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * One instance of the echo listener. Instances deployed together share the port: Vert.x binds it once
 * and hands each accepted connection to one instance's event loop. Undeploying the last one closes the
 * listening socket.
 */
final class EchoServerVerticle extends AbstractVerticle {

    private final NetServerOptions options;
    private final Handler<NetSocket> connectHandler;
    private volatile int actualPort;

    EchoServerVerticle(NetServerOptions options, Handler<NetSocket> connectHandler) {
        this.options = options;
        this.connectHandler = connectHandler;
    }

    @Override
    public void start(Promise<Void> started) {
        NetServer server = vertx.createNetServer(options).connectHandler(connectHandler);
        server.listen()
                .onSuccess(bound -> {
                    actualPort = bound.actualPort();
                    started.complete();
                })
                .onFailure(started::fail);
    }

    int actualPort() {
        return actualPort;
    }
}
