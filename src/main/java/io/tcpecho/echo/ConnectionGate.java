package io.tcpecho.echo;

import io.vertx.core.Handler;
import io.vertx.core.net.NetSocket;

/**
 * A step that accepted connections pass before their echo starts. The echo listener asks for one (if a bean
 * provides it) once, when it starts, so that the echo itself never depends on who gates it; dev mode's live
 * reload is the one there is.
 */
public interface ConnectionGate {

    /**
     * Returns the handler the listener gives each accepted connection. It must pass every connection to
     * {@code serve}, on the connection's event loop, or close it; use {@link HeldConnection} to keep one
     * waiting without losing what its client sends meanwhile.
     */
    Handler<NetSocket> around(Handler<NetSocket> serve);
}
