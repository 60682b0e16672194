package io.tcpecho.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** slicer: the echo goes out in writes of average-size ± size-variation bytes, delay apart. */
public final class Slicer implements Fault {

    /** Average size of the writes; sets the slicer on. */
    public static final FaultKey<Long> AVERAGE_SIZE = FaultKey.size("slicer.average-size", 1, 1 << 20);
    /** Uniform variation of the size, less than the average. */
    public static final FaultKey<Long> SIZE_VARIATION = FaultKey.size("slicer.size-variation", 0, 1 << 20);
    /** The gap between two writes. */
    public static final FaultKey<Duration> DELAY = FaultKey.duration("slicer.delay", Duration.ofMinutes(1));
    static final FaultType TYPE = FaultType.of("slicer", spec -> new Slicer(spec.get(AVERAGE_SIZE).orElseThrow(),
            spec.get(SIZE_VARIATION).orElse(0L), spec.get(DELAY).orElse(Duration.ZERO)), AVERAGE_SIZE, SIZE_VARIATION, DELAY)
            .checking(Slicer::problem);

    private final long average;
    private final long variation;
    private final long delay;

    Slicer(long average, long variation, Duration delay) {
        this.average = average;
        this.variation = variation;
        this.delay = delay.toNanos();
    }

    /** Variation and delay only shape a slicer that the average size turns on; a variation must leave writes of a byte. */
    private static Optional<String> problem(FaultSpec spec) {
        Optional<Long> average = spec.get(AVERAGE_SIZE);
        Optional<Long> variation = spec.get(SIZE_VARIATION);
        if (average.isEmpty()) {
            return Optional.of("slicer.size-variation and slicer.delay need slicer.average-size");
        }
        return variation.filter(v -> v >= average.get())
                .map(v -> "slicer.size-variation=%s must be less than slicer.average-size=%s".formatted(
                        SIZE_VARIATION.format(v), AVERAGE_SIZE.format(average.get())));
    }

    @Override
    public boolean timing() {
        return true;
    }

    @Override
    public void schedule(List<Piece> pieces, long now) {
        List<Piece> sliced = new ArrayList<>();
        long at = now;
        for (Piece piece : pieces) {
            at = Math.max(at, piece.notBefore);
            while (piece.bytes() > 0) {
                long size = variation == 0 ? average
                        : average + ThreadLocalRandom.current().nextLong(-variation, variation + 1);
                if (size >= piece.bytes()) {
                    break;
                }
                Piece slice = piece.cutFront((int) size);
                slice.notBefore = at;
                sliced.add(slice);
                at += delay;
            }
            piece.notBefore = at;
            at += delay;
            sliced.add(piece);
        }
        pieces.clear();
        pieces.addAll(sliced);
    }
}
