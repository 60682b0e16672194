package io.tcpecho.echo;

import java.util.concurrent.atomic.AtomicBoolean;

/** Why a connection was closed before its echo could start, for want of a valid PROXY protocol header. */
enum ProxyRejection {
    /** Its first bytes cannot begin a header (required mode): a client that bypassed the load balancer. */
    MISSING("missing", "the first bytes are not a PROXY protocol signature; is the client bypassing the load balancer?"),
    /** It began with a signature, but what followed is not a valid header. */
    INVALID("invalid", "malformed PROXY protocol header"),
    /** No complete header within echo.proxy-protocol-timeout. */
    TIMEOUT("timeout", "no complete PROXY protocol header within echo.proxy-protocol-timeout"),
    /** The peer closed or half-closed before its header was complete. */
    INCOMPLETE("incomplete", "the peer closed the connection before its PROXY protocol header was complete");

    private final String tag;
    private final String description;
    /** Each reason is logged once per process, then only counted: a scanner must not flood the log. */
    private final AtomicBoolean logged = new AtomicBoolean();

    ProxyRejection(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }

    String tag() {
        return tag;
    }

    String description() {
        return description;
    }

    boolean firstTime() {
        return logged.compareAndSet(false, true);
    }
}
