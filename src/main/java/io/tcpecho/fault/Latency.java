package io.tcpecho.fault;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** latency, jitter: each chunk of echo leaves latency ± jitter (uniform) after it was read; order is kept. */
final class Latency implements Fault {

    private final long latency;
    private final long jitter;

    Latency(Duration latency, Duration jitter) {
        this.latency = latency.toNanos();
        this.jitter = jitter.toNanos();
    }

    @Override
    public boolean timing() {
        return true;
    }

    @Override
    public void schedule(List<Piece> pieces, long now) {
        long delay = jitter == 0 ? latency : latency + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        for (Piece piece : pieces) {
            piece.notBefore = Math.max(piece.notBefore, now + delay);
        }
    }
}
