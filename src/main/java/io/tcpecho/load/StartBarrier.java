package io.tcpecho.load;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One start for all shards of a run (issue 24): index 0 listens on the barrier port and waits until every shard has
 * checked in, then tells them all to start at one instant, a short lead after its own clock; each shard sleeps until
 * that instant and records when it actually started. In a Kubernetes Indexed Job index 0 is reached as
 * {@code <job>-0.<headless service>}; the shards' clocks are the nodes', which a cluster keeps in step (NTP), and the
 * merged report shows what is left of the skew.
 */
final class StartBarrier {

    /**
     * From index 0's release to the agreed start: enough for its go lines to reach every shard over a cluster network,
     * so that each one sleeps until the same instant rather than starting when its line happens to arrive.
     */
    static final Duration LEAD = Duration.ofMillis(200);

    private StartBarrier() {
    }

    /**
     * Waits at the barrier as shard {@code index} of {@code shards}: index 0 listens on {@code address}'s port, the others
     * connect to it. Returns at the agreed start. {@code log} gets a line when index 0 starts to wait and when a
     * participant first finds index 0 not there yet.
     *
     * @throws BarrierException when the shards could not start together, with a one-line reason
     */
    static BarrierStart await(int index, int shards, BarrierAddress address, Duration timeout, Consumer<String> log)
            throws BarrierException, IOException, InterruptedException {
        if (shards < 1 || index < 0 || index >= shards) {
            throw new IllegalArgumentException("shard " + index + "/" + shards + ": the index must be 0 to shards - 1");
        }
        return index == 0 ? new BarrierCoordinator(shards, address.port(), timeout, LEAD, log).await()
                : new BarrierParticipant(index, shards, address, timeout, log).await();
    }

    /** Sleeps until the wall clock reads {@code instantMillis}; returns the wall clock then (at or after it). */
    static long sleepUntil(long instantMillis) throws InterruptedException {
        long now;
        while ((now = System.currentTimeMillis()) < instantMillis) {
            Thread.sleep(instantMillis - now);
        }
        return now;
    }
}
