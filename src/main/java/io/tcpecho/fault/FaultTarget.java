package io.tcpecho.fault;

import io.netty.channel.Channel;

/** What a fault may do to the echo connection it is part of. Every method runs on the connection's event loop. */
public interface FaultTarget {

    Channel channel();

    /** Resets the connection (RST) now, dropping what is queued. */
    void reset();

    /** Closes the connection (FIN) now, dropping what is queued. */
    void close();

    /**
     * Sends FIN (after close_notify on TLS) once everything echoed so far is written, the chunk being echoed now
     * included (it is written after this returns); the input is read on, and dropped.
     */
    void finishOutput();

    /**
     * Resets the connection once everything echoed so far, the chunk being echoed now included, is written and the
     * client acknowledged it.
     */
    void resetAfterOutput();

    /** {@code bytes} of echo read but dropped by a fault (they count as dropped, not sent). */
    void dropped(int bytes);

    /** Stops reading for good, and drops whatever was read already: the connection gets no echo. */
    void stopReading();
}
