package io.tcpecho.config;

/** Whether echo connections start with a PROXY protocol header (v1 or v2) naming the real client. */
public enum ProxyProtocolMode {
    /** No header expected: bytes that look like one are echoed like any others. */
    OFF,
    /**
     * Every connection must start with a header; one without, or with a malformed one, is closed unechoed.
     * The safe choice behind a load balancer that sends it on every connection.
     */
    REQUIRED,
    /**
     * A header is used when a connection starts with one; a connection whose first bytes cannot begin a
     * header is echoed as it is. Any client that reaches the port can then claim any address: use it only
     * where the load balancer is the only way in, for clients that bypass it (see docs/networking.md, "PROXY protocol").
     */
    OPTIONAL
}
