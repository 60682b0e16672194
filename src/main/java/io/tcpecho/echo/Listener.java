package io.tcpecho.echo;

import io.vertx.core.Handler;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * One TCP listener of the echo: the plain one or the TLS one. Each verticle instance opens every listener, so that
 * both share the instances' event loops, the drain and the readiness.
 *
 * @param portKey the property that sets its port, for errors
 * @param failures errors before a connection reaches {@code accept}, such as a failed TLS handshake
 */
record Listener(String portKey, NetServerOptions options, Handler<NetSocket> accept, Handler<Throwable> failures) {
}
