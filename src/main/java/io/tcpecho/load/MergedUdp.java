package io.tcpecho.load;

import java.util.Collection;
import java.util.List;

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

    /** The table's line of the merged figures. */
    static String describe(JsonObject figures) {
        return UdpReport.echoedRow(figures.getLong("echoed"), figures.getDouble("lossPercent"),
                figures.getLong("reordered"), figures.getLong("duplicated"), figures.getLong("corrupted"));
    }
}
