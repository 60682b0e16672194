package io.tcpecho.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.tcpecho.fault.Expectation.Ending;

/**
 * timeout (stall): accept, then neither read nor echo: the client's writes fill the socket buffers and block. Closed
 * (FIN) after the timeout, or never when it is 0 (the drain timeout of a shutdown still closes it); and at once when the
 * client leaves (its FIN; a reset closes any connection), so that a client that gave up, or a balancer's health check that
 * connects and closes, holds nothing.
 */
public final class Stall implements Fault {

    /** How long the stall lasts before the server's FIN; 0 = never. */
    public static final FaultKey<Duration> TIMEOUT = FaultKey.duration("timeout", Duration.ofHours(24));
    static final FaultType TYPE = FaultType.of("stall", TIMEOUT, Stall::new).onlyWithProbability()
            .counting("stall", "stall_close", "stall_client_left").expecting(TIMEOUT, Stall::expectation);

    private final long timeout;
    /** The stall is over: timed out (the server's FIN is on its way), or the client left. */
    private boolean ended;

    Stall(Duration timeout) {
        this.timeout = timeout.toNanos();
    }

    /** Forever: no echo at all; else the server's FIN before any echo, no earlier than the timeout. */
    private static Expectation expectation(Duration timeout) {
        if (timeout.isZero()) {
            return Expectation.ending("no echo (stalled)",
                    (ending, atByte, afterMillis) -> ending == Ending.STALLED && atByte == 0).stalling();
        }
        return Expectation.ending("EOF before any echo, at least " + TIMEOUT.format(timeout) + " after connecting",
                (ending, atByte, afterMillis) -> ending == Ending.EOF && atByte == 0 && afterMillis >= timeout.toMillis())
                .stalling();
    }

    @Override
    public boolean started(ConnectionFaults connection) {
        connection.count("stall");
        FaultTarget target = connection.target();
        target.stopReading();
        if (timeout > 0) {
            target.channel().eventLoop().schedule(() -> {
                if (target.channel().isActive() && !ended) {
                    ended = true;
                    connection.count("stall_close");
                    // FIN, not a close: a close with the client's bytes unread would reset the connection.
                    target.finishOutput();
                }
            }, timeout, TimeUnit.NANOSECONDS);
        }
        return false;
    }

    @Override
    public boolean clientEnded(ConnectionFaults connection) {
        if (ended) {
            return false; // after the stall's own FIN: the connection ends as any whose output ended early
        }
        ended = true;
        connection.count("stall_client_left");
        connection.target().close();
        return true;
    }
}
