package io.tcpecho.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.tcpecho.fault.Expectation.Ending;

/** reset-peer: reset (RST) this long after the first byte arrived, dropping whatever is queued then. */
public final class ResetPeer implements Fault {

    public static final FaultKey<Duration> RESET_PEER = FaultKey.duration("reset-peer", Duration.ofHours(24));
    static final FaultType TYPE = FaultType.of("reset", RESET_PEER, ResetPeer::new).counting("reset")
            .expecting(RESET_PEER, delay -> Expectation.ending("reset at least " + RESET_PEER.format(delay) + " after connecting",
                    (ending, atByte, afterMillis) -> ending == Ending.RESET && afterMillis >= delay.toMillis()));

    private final long delay;
    private boolean armed;

    ResetPeer(Duration delay) {
        this.delay = delay.toNanos();
    }

    @Override
    public int outgoing(ConnectionFaults connection, ByteBuf data, long offset) {
        if (!armed) {
            armed = true;
            FaultTarget target = connection.target();
            target.channel().eventLoop().schedule(() -> {
                if (target.channel().isActive()) {
                    connection.count("reset");
                    target.reset();
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
        return data.readableBytes();
    }
}
