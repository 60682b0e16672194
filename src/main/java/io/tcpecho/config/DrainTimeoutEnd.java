package io.tcpecho.config;

/** How a graceful drain ends the connections still open at its timeout (echo.drain-on-timeout). */
public enum DrainTimeoutEnd {
    /** The echo read so far, then the server's FIN: the client sees a clean end, short of what it sent after. */
    FIN,
    /** A TCP reset at once: the echo not sent yet is dropped, and the client sees the connection fail. */
    RESET
}
