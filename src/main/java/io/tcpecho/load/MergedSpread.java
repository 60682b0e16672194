package io.tcpecho.load;

import java.util.Collection;

import io.vertx.core.json.JsonObject;

/**
 * A {@code spread} run's shards merged into the run's report: their tallies added up (each pod's connections and
 * connect times, the client addresses, the PROXY versions, the connections without an answer), so that each pod's
 * percentiles come from its summed histogram and the evenness from the summed counts, and {@code --expect-pods} is
 * judged on the pods that answered any shard.
 */
final class MergedSpread {

    private MergedSpread() {
    }

    /**
     * @param shards at least one, all of one run
     * @param expectedPods the pods behind the target, those that answered none counting as 0; 0 for as many as answer
     */
    static SpreadReport of(Collection<ShardReport> shards, int expectedPods) {
        SpreadTally sum = new SpreadTally();
        for (ShardReport shard : shards) {
            try {
                sum.add(SpreadTally.fromJson(shard.json()));
            } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
                throw new IllegalArgumentException(shard.source() + ": not a spread shard's report: " + LoadRun.describe(e));
            }
        }
        JsonObject first = shards.iterator().next().json();
        JsonObject parameters = first.getJsonObject("parameters");
        return new SpreadReport(first.getString("target"), parameters.getInteger("connections"),
                parameters.getInteger("parallel"), expectedPods, Shard.WHOLE, null, sum);
    }
}
