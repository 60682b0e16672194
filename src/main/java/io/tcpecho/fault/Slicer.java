package io.tcpecho.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** slicer: the echo goes out in writes of average-size ± size-variation bytes, delay apart. */
final class Slicer implements Fault {

    private final long average;
    private final long variation;
    private final long delay;

    Slicer(long average, long variation, Duration delay) {
        this.average = average;
        this.variation = variation;
        this.delay = delay.toNanos();
    }

    @Override
    public boolean timing() {
        return true;
    }

    @Override
    public void schedule(List<Piece> pieces, long now) {
        List<Piece> sliced = new ArrayList<>();
        long at = 0;
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
