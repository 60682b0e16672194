package io.tcpecho.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** slow-close: after the client's FIN and the whole echo, waits this long before the server's FIN. */
public final class SlowClose implements Fault {

    public static final FaultKey<Duration> SLOW_CLOSE = FaultKey.duration("slow-close", Duration.ofMinutes(10));
    static final FaultType TYPE = FaultType.of("slow_close", SLOW_CLOSE, SlowClose::new).counting("slow_close")
            .expecting(SLOW_CLOSE, delay -> Expectation.completing("the server's EOF at least " + SLOW_CLOSE.format(delay)
                    + " after the half-close", millis -> millis >= delay.toMillis()));

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
