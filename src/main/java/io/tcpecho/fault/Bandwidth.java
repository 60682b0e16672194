package io.tcpecho.fault;

import java.util.ArrayList;
import java.util.List;

/**
 * bandwidth: the echo leaves at most at this many bytes per second, in slices of a tenth of a second's worth (as
 * Toxiproxy sends it), so that no window of time sees more than its rate and one slice. What waits counts against the
 * connection's write queue, so a fast client is slowed by the normal read pause, not by memory.
 */
public final class Bandwidth implements Fault {

    public static final FaultKey<Long> BANDWIDTH = FaultKey.rate("bandwidth", 1, 10L << 30);
    static final FaultType TYPE = FaultType.of("bandwidth", BANDWIDTH, Bandwidth::new);

    private static final int MAX_SLICE = 64 * 1024;

    private final long rate;
    private final int slice;
    /**
     * When the link is free again: the end of the last slice at the rate; free from the first, as the clock's origin is
     * arbitrary (nanoTime may be negative) and so no time is before it.
     */
    private long freeAt = Long.MIN_VALUE;

    Bandwidth(long bytesPerSecond) {
        this.rate = bytesPerSecond;
        this.slice = (int) Math.max(1, Math.min(MAX_SLICE, bytesPerSecond / 10));
    }

    @Override
    public boolean timing() {
        return true;
    }

    @Override
    public void schedule(List<Piece> pieces, long now) {
        List<Piece> sliced = new ArrayList<>();
        for (Piece piece : pieces) {
            while (piece.bytes() > slice) {
                sliced.add(paced(piece.cutFront(slice), piece.notBefore, now));
            }
            sliced.add(paced(piece, piece.notBefore, now));
        }
        pieces.clear();
        pieces.addAll(sliced);
    }

    private Piece paced(Piece piece, long notBefore, long now) {
        long start = Math.max(Math.max(notBefore, now), freeAt);
        piece.notBefore = start;
        freeAt = start + piece.bytes() * 1_000_000_000L / rate;
        return piece;
    }
}
