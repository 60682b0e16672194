package io.tcpecho.fault;

/**
 * no-half-close: on the client's FIN, closes both directions at once and drops what is still queued, the classic bug
 * of servers that take a half-close for the end of the connection.
 */
final class NoHalfClose implements Fault {

    @Override
    public boolean clientEnded(ConnectionFaults connection) {
        connection.count("no_half_close");
        connection.target().close();
        return true;
    }
}
