package io.tcpecho.fault;

/**
 * The offsets of a fault that acts at an exact byte of the echo (limit-data, reset-after-bytes): how much of a chunk
 * goes out before that byte, and when the echo has reached it, which it does once.
 */
final class ByteLimit {

    private final long limit;
    private boolean reached;

    ByteLimit(long limit) {
        this.limit = limit;
    }

    /** How many of the {@code bytes} of a chunk at {@code offset} of the echo are before the limit. */
    int within(long offset, int bytes) {
        return (int) Math.max(0, Math.min(bytes, limit - offset));
    }

    /** True the first time the echo, {@code echoed} bytes so far, is at the limit; false before it and after. */
    boolean reachedAt(long echoed) {
        if (reached || echoed < limit) {
            return false;
        }
        reached = true;
        return true;
    }
}
