package io.tcpecho.load;

/**
 * One shard's start after the barrier: the instant all shards agreed to start at, and when this one actually started,
 * both wall-clock milliseconds, so that a merge of the shards' reports can say how far apart they started.
 */
record BarrierStart(long agreedStartMillis, long startedAtMillis) {

    /** How long after the agreed instant this shard started; never negative. */
    long lateByMillis() {
        return startedAtMillis - agreedStartMillis;
    }
}
