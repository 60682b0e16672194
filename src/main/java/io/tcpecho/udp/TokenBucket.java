package io.tcpecho.udp;

/**
 * A rate of so many per second with a burst of one second's worth. Used from one thread (the UDP channel's event
 * loop), so it needs no synchronization.
 */
final class TokenBucket {

    private static final long SECOND = 1_000_000_000L;

    private final long perSecond;
    private double tokens;
    private long refilledAt;

    TokenBucket(long perSecond, long now) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.refilledAt = now;
    }

    /** Takes one token if there is one. */
    boolean take(long now) {
        refill(now);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whether it is full: forgetting it then changes nothing, as a new one starts full. */
    boolean full(long now) {
        refill(now);
        return tokens >= perSecond;
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(perSecond, tokens + (double) elapsed * perSecond / SECOND);
            refilledAt = now;
        }
    }
}
