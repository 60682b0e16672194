package io.tcpecho.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** slow-close: after the client's FIN and the whole echo, waits this long before the server's FIN. */
final class SlowClose implements Fault {

    private final long delay;

    SlowClose(Duration delay) {
        this.delay = delay.toNanos();
    }

    @Override
    public void beforeFin(ConnectionFaults connection, Runnable fin) {
        connection.count("slow_close");
        connection.target().channel().eventLoop().schedule(fin, delay, TimeUnit.NANOSECONDS);
    }
}
