package io.tcpecho.echo;

/**
 * How a connection open during a graceful drain ended; {@link #tag()} is the value of the {@code way} label of
 * {@code echo_drain_connections_ended_total}.
 */
public enum DrainWay {
    /** The server's FIN between messages, once the connection was quiet (echo.drain-quiet-close). */
    QUIET_CLOSE("quiet_close"),
    /** On its own: the client half-closed and got its echo, reset, went idle, or a fault ended it. */
    FINISHED("finished"),
    /** Still open at echo.drain-timeout, and ended then as echo.drain-on-timeout says. */
    TIMEOUT("timeout");

    private final String tag;

    DrainWay(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    static DrainWay of(CloseReason reason) {
        return switch (reason) {
            case QUIET_CLOSE -> QUIET_CLOSE;
            case SHUTDOWN -> TIMEOUT;
            default -> FINISHED;
        };
    }
}
