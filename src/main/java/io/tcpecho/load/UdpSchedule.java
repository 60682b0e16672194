package io.tcpecho.load;

/**
 * When {@code load udp} sends which datagram: the whole run sends {@code count} datagrams numbered from 0, datagram
 * {@code seq} at {@code seq} intervals after the start. Shard I of N sends those numbered I, I+N, I+2N ...: N shards
 * started together send every datagram of the whole run once, at its time, at the whole run's rate together.
 */
record UdpSchedule(Shard shard, long count, long intervalNanos) {

    private static final long SECOND = 1_000_000_000L;

    /** How many datagrams this shard sends. */
    long datagrams() {
        return shard.share(count);
    }

    /** The sequence number of this shard's {@code k}-th datagram. */
    long seq(long k) {
        return shard.interleavedId(k);
    }

    /** Whether datagram {@code seq} is one of this shard's. */
    boolean ours(long seq) {
        return seq >= 0 && seq < count && seq % shard.count() == shard.index();
    }

    /** Nanoseconds from the start to datagram {@code seq}'s turn. */
    long sendAt(long seq) {
        return seq * intervalNanos;
    }

    /** The second of the run in which datagram {@code seq} is sent, from 0. */
    int second(long seq) {
        return (int) (sendAt(seq) / SECOND);
    }

    /** The seconds in which the whole run sends. */
    int seconds() {
        return second(count - 1) + 1;
    }
}
