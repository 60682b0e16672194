package io.tcpecho.fault;

/**
 * no-half-close: on the client's FIN, closes both directions at once and drops what is still queued, the classic bug
 * of servers that take a half-close for the end of the connection.
 */
public final class NoHalfClose implements Fault {

    public static final FaultKey<Boolean> NO_HALF_CLOSE = FaultKey.flag("no-half-close");
    /**
     * No expectation for the load client: what it drops is the echo still queued at the client's FIN, and a client that
     * reads as fast as the server echoes may have none queued, so a run could not tell it from the plain echo.
     */
    static final FaultType TYPE = FaultType.of("no_half_close", NO_HALF_CLOSE, on -> new NoHalfClose()).counting("no_half_close");

    private NoHalfClose() {
    }

    @Override
    public boolean clientEnded(ConnectionFaults connection) {
        connection.count("no_half_close");
        connection.target().close();
        return true;
    }
}
