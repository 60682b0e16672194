package io.tcpecho.fault;

import java.time.Duration;
import java.util.List;

/** first-byte-delay: the first echoed byte leaves this long after it was read; everything after waits behind it. */
public final class FirstByteDelay implements Fault {

    public static final FaultKey<Duration> FIRST_BYTE_DELAY = FaultKey.duration("first-byte-delay", Duration.ofMinutes(10));
    static final FaultType TYPE = FaultType.of("slow_start", FIRST_BYTE_DELAY, FirstByteDelay::new);

    private final long delay;
    private boolean done;

    FirstByteDelay(Duration delay) {
        this.delay = delay.toNanos();
    }

    @Override
    public boolean timing() {
        return true;
    }

    @Override
    public void schedule(List<Piece> pieces, long now) {
        if (!done && !pieces.isEmpty() && pieces.get(0).bytes() > 0) {
            done = true;
            pieces.get(0).notBefore = Math.max(pieces.get(0).notBefore, now + delay);
        }
    }
}
