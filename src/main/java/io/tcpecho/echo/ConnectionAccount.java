package io.tcpecho.echo;

import java.io.IOException;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.tcpecho.fault.ConnectionFaults;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.tls.TlsListener;
import io.tcpecho.tls.TlsSession;

/**
 * What one echo connection did, for the metrics and its access log line: the bytes read from the client and the bytes
 * of echo the socket took, how long it was open, and why it ended. {@link EchoHandler} moves the bytes; this counts
 * them, classifies its failures and settles its end, once. Used on the connection's event loop only.
 */
final class ConnectionAccount {

    private static final Logger LOG = Logger.getLogger(EchoHandler.class);

    private final ClientOrigin origin;
    private final Optional<TlsSession> tls;
    private final ConnectionServices services;
    /** The fault scenario of its listener or of its own selection (null on the plain ports), and its faults if chosen. */
    private final String scenario;
    private final ConnectionFaults faults;
    private final long openedAt = System.nanoTime();
    private long received;
    private long sent;
    /** Why it ends, once known; a close with none is a reset (the client's, or the network's). */
    private CloseReason reason;

    ConnectionAccount(ClientOrigin origin, Optional<TlsSession> tls, ConnectionServices services, String scenario,
            ConnectionFaults faults) {
        this.origin = origin;
        this.tls = tls;
        this.services = services;
        this.scenario = scenario;
        this.faults = faults;
    }

    ClientOrigin origin() {
        return origin;
    }

    void received(int bytes) {
        received += bytes;
        services.metrics().received(bytes);
    }

    /** The socket took {@code bytes} of echo. */
    void sent(int bytes) {
        sent += bytes;
        services.metrics().sent(bytes);
    }

    /** Bytes read that will never be echoed: dropped by a fault, or queued when the connection closed. */
    void dropped(int bytes) {
        services.metrics().dropped(bytes);
    }

    /** Bytes of echo the socket took so far. */
    long sent() {
        return sent;
    }

    /** The server decided how the connection ends (a fault, the drain): that is its reason, whatever came before. */
    void endsAs(CloseReason why) {
        reason = why;
    }

    /** The connection ends this way unless its end was decided already. */
    void endsAsIfUndecided(CloseReason why) {
        if (reason == null) {
            reason = why;
        }
    }

    /**
     * A failure of this connection is its own: counted by kind and logged without a stack trace where it is the client's
     * doing, and it names the connection's end unless that was decided already.
     */
    void failed(Throwable failure) {
        if (tls.isPresent() && TlsListener.isTlsFailure(failure)) {
            // The client broke TLS (a renegotiation, a corrupt record): its fault, counted and logged once per reason.
            services.tls().handshakeFailed(failure);
            endsAsIfUndecided(CloseReason.PROTOCOL_ERROR);
        } else if (failure instanceof IOException) {
            // Resets and broken pipes are the client's business: count them, no stack trace.
            LOG.debugf("Connection from %s failed: %s", origin, failure);
            endsAsIfUndecided(CloseReason.RESET);
        } else {
            LOG.warnf("Connection from %s failed and is closed: %s", origin, failure);
            endsAsIfUndecided(CloseReason.ERROR);
        }
    }

    /** The reason the connection ended, once it has: a reset where nothing else was decided. */
    CloseReason finalReason() {
        return reason == null ? CloseReason.RESET : reason;
    }

    /** The connection closed: its metrics and its access log line. */
    void closed() {
        CloseReason why = finalReason();
        long open = System.nanoTime() - openedAt;
        services.metrics().closed(why, open);
        services.accessLog().ifPresent(log -> log.closed(origin, tls, received, sent, open, why, scenario, faults));
    }
}
