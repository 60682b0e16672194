package io.tcpecho.load;

/**
 * What a workload does on one connection: when to send, when to half-close, when the connection is complete, and what
 * it measures on the way. The {@link Connection} verifies the echo and reports anything wrong on its own; it calls the
 * script at the moments a workload acts on, on the connection's event loop, and the script drives it only through its
 * methods. A new workload is a script and the loop that opens its connections.
 */
interface ConnectionScript {

    /** The connection is established. */
    void active(Connection connection);

    /** Bytes of the echo arrived and were verified; {@link Connection#received()} includes them. */
    void echoed(Connection connection);

    /**
     * The server ended its side (FIN, or close_notify on TLS). Unless that was the end the script waited for, it says
     * so with {@link Connection#serverEndedEarly()}.
     */
    void serverEnded(Connection connection);

    /** The connection takes writes again after its queue had filled. */
    default void writable(Connection connection) {
    }

    /**
     * The connection met the expected fault ({@code --expect}) and is closed, or was reset before it was established:
     * the workload goes on as after a complete connection.
     */
    default void endedAsExpected(Connection connection) {
    }

    /**
     * The server's line before the echo, without its line end ({@link GreetingLineReader}), on a connection that
     * {@link Connection#awaitGreeting() awaits} one.
     */
    default void greeted(Connection connection, String line) {
    }

    /**
     * The connection ended where an echo server must not end it ({@code seen}), and no fault was expected. A workload
     * that counts such endings and goes on records it and returns true: the connection is closed, and the run does not
     * fail. Else the run fails with it.
     */
    default boolean ended(Connection connection, Observed seen) {
        return false;
    }

    /**
     * The connection could not be established. A workload that counts failed connects and goes on records it and
     * returns true; else the run fails with it.
     */
    default boolean failedToConnect(Throwable cause) {
        return false;
    }
}
