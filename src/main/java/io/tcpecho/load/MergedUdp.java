package io.tcpecho.load;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import io.vertx.core.json.JsonObject;

/**
 * The figures of a {@code udp} run's shards merged into the run's: datagrams sent, echoed, reordered, duplicated and
 * corrupted summed, and the loss over all of them. Each shard numbered only its own datagrams, so a reordering is one
 * within a shard's.
 */
final class MergedUdp {

    private static final List<String> COUNTS = List.of("sent", "echoed", "reordered", "duplicated", "corrupted");

    private MergedUdp() {
    }

    static JsonObject figures(Collection<ShardReport> shards) {
        JsonObject figures = new JsonObject();
        for (String count : COUNTS) {
            figures.put(count, shards.stream().mapToLong(shard -> shard.json().getLong(count)).sum());
        }
        double loss = UdpReport.lossPercent(figures.getLong("sent"), figures.getLong("echoed"));
        return figures.put("lossPercent", Math.round(loss * 1000.0) / 1000.0);
    }

    /** The merged figures in a line of the table. */
    static String describe(JsonObject figures) {
        return String.format(Locale.ROOT, "%d datagrams sent, %d echoed (loss %.2f %%), reordered %d, duplicated %d, "
                + "corrupted %d", figures.getLong("sent"), figures.getLong("echoed"), figures.getDouble("lossPercent"),
                figures.getLong("reordered"), figures.getLong("duplicated"), figures.getLong("corrupted"));
    }
}
