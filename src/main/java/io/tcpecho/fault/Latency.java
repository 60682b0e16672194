package io.tcpecho.fault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** latency, jitter: each chunk of echo leaves latency ± jitter (uniform) after it was read; order is kept. */
public final class Latency implements Fault {

    public static final FaultKey<Duration> LATENCY = FaultKey.duration("latency", Duration.ofMinutes(10));
    /** Uniform variation of the latency, at most the latency. */
    public static final FaultKey<Duration> JITTER = FaultKey.duration("jitter", Duration.ofMinutes(10));
    static final FaultType TYPE = FaultType.of("latency",
            spec -> new Latency(spec.get(LATENCY).orElseThrow(), spec.get(JITTER).orElse(Duration.ZERO)), LATENCY, JITTER)
            .checking(Latency::problem);

    private final long latency;
    private final long jitter;

    Latency(Duration latency, Duration jitter) {
        this.latency = latency.toNanos();
        this.jitter = jitter.toNanos();
    }

    /** A jitter of at most the latency: a delay cannot be negative. */
    private static Optional<String> problem(FaultSpec spec) {
        Duration latency = spec.get(LATENCY).orElse(Duration.ZERO);
        return spec.get(JITTER).filter(jitter -> jitter.compareTo(latency) > 0)
                .map(jitter -> "jitter=%s is more than latency=%s (a delay cannot be negative)".formatted(
                        JITTER.format(jitter), LATENCY.format(latency)));
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
