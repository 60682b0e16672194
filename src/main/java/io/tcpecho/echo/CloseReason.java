package io.tcpecho.echo;

/** Why a connection ended; {@link #tag()} is the value of the {@code reason} label of the close counter. */
public enum CloseReason {
    /** The client half-closed and every byte it sent was echoed before the server's FIN. */
    COMPLETED("completed"),
    /** The peer reset or vanished before the echo was complete. */
    RESET("reset"),
    /** No traffic in either direction for {@code echo.idle-timeout}. */
    IDLE_TIMEOUT("idle_timeout"),
    /** Accepted while {@code echo.max-connections} were already open. */
    OVER_LIMIT("over_limit"),
    /** Accepted while its client address already had {@code echo.max-connections-per-client} open. */
    OVER_CLIENT_LIMIT("over_client_limit"),
    /**
     * Reset to protect the process: the direct memory was nearly exhausted while this connection, whose client
     * was not reading its echo, kept growing (the last line behind the memory budget; see MemoryBudget).
     */
    SHED("shed"),
    /**
     * The client broke its protocol after the connection began, such as a TLS renegotiation or a corrupt TLS record
     * (echo_tls_handshake_failures_total says which): closed at once, logged once per kind.
     */
    PROTOCOL_ERROR("protocol_error"),
    /** Ended by a fault on purpose (echo.faults): reset, truncated, refused, stalled and closed, closed on FIN. */
    FAULT("fault"),
    /** Ended by the server's FIN between messages during a graceful drain, once quiet (echo.drain-quiet-close). */
    QUIET_CLOSE("quiet_close"),
    /** Still open when the drain timeout of a graceful shutdown ran out (ended as echo.drain-on-timeout says). */
    SHUTDOWN("shutdown"),
    /** An unexpected failure on this connection (logged once, without affecting others). */
    ERROR("error");

    private final String tag;

    CloseReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
