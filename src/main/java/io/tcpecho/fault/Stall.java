package io.tcpecho.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * timeout (stall): accept, then neither read nor echo: the client's writes fill the socket buffers and block. Closed
 * (FIN) after the timeout, or never when it is 0 (the drain timeout of a shutdown still closes it).
 */
final class Stall implements Fault {

    private final long timeout;

    Stall(Duration timeout) {
        this.timeout = timeout.toNanos();
    }

    @Override
    public boolean started(ConnectionFaults connection) {
        connection.count("stall");
        FaultTarget target = connection.target();
        target.stopReading();
        if (timeout > 0) {
            target.channel().eventLoop().schedule(() -> {
                if (target.channel().isActive()) {
                    connection.count("stall_close");
                    target.close();
                }
            }, timeout, TimeUnit.NANOSECONDS);
        }
        return false;
    }
}
