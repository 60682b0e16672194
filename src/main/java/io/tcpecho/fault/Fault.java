package io.tcpecho.fault;

import java.util.List;

import io.netty.buffer.ByteBuf;

/**
 * One fault of a connection, in the manner of Toxiproxy's toxics: a small unit that acts at one or more points of the
 * echo, through the {@link ConnectionFaults} it belongs to. Every method runs on the connection's event loop.
 */
interface Fault {

    /** The connection starts, before its first read: false when this fault takes it over (it gets no echo). */
    default boolean started(ConnectionFaults connection) {
        return true;
    }

    /**
     * The next chunk of echo, which begins at {@code offset} of the echoed stream: how many of its bytes may go out
     * (the rest is dropped); the fault may alter those bytes in place.
     */
    default int outgoing(ConnectionFaults connection, ByteBuf data, long offset) {
        return data.readableBytes();
    }

    /** Whether it shapes when the echo leaves, in the {@link DelayStage}. */
    default boolean timing() {
        return false;
    }

    /**
     * The pieces of one chunk of echo on their way out at {@code now} (the stage's clock: nanoseconds, of an arbitrary
     * origin): sets when each may leave, or cuts them smaller; a piece never leaves before the one ahead of it, whatever
     * is set here.
     */
    default void schedule(List<Piece> pieces, long now) {
    }

    /** The client ended its output: true when this fault ends the connection itself. */
    default boolean clientEnded(ConnectionFaults connection) {
        return false;
    }

    /** The whole echo is out and the server's FIN is next: runs {@code fin}, now or later. */
    default void beforeFin(ConnectionFaults connection, Runnable fin) {
        fin.run();
    }
}
