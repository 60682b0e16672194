package io.tcpecho.echo;

import io.vertx.core.Handler;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * One TCP listener of the echo: the plain one, the TLS one, a fault scenario's, the fault command port. Each verticle
 * instance opens every listener, so that all share the instances' event loops, the drain and the readiness.
 *
 * @param name what {@link ConnectionAcceptor} routes its connections by
 * @param portKey the property that sets its port, for errors
 * @param failures errors before a connection reaches {@code accept}, such as a failed TLS handshake
 */
record Listener(String name, String portKey, NetServerOptions options, Handler<NetSocket> accept,
        Handler<Throwable> failures) {

    /** What the listener's server calls for each connection: marks it with the listener's name, then accepts it. */
    Handler<NetSocket> connectHandler() {
        return socket -> {
            EchoChannels.channel(socket).attr(ConnectionAcceptor.LISTENER).set(name);
            accept.handle(socket);
        };
    }
}
