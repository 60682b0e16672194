package io.tcpecho.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The per-second timelines of a run's shards ({@code steady}, {@code udp}) summed into the run's: second k of the sum is
 * second k of every shard, each shard's seconds counted from the start the shards agreed on ({@code --barrier}), or
 * from its own start without one. The counts of a second (whole numbers, and objects of them such as {@code ended}) are
 * summed; what cannot be summed (a second's p99) is left out; {@code shards} says how many shards had that second.
 */
final class MergedTimeline {

    static final String SECOND = "second";
    static final String SHARDS = "shards";

    /** One shard's timeline: its lines, and how many whole seconds after the agreed start its first one began. */
    record Shard(int offsetSeconds, List<JsonObject> seconds) {
    }

    private MergedTimeline() {
    }

    /** The timeline of each shard report that has one; empty when none has. */
    static List<JsonObject> of(Iterable<ShardReport> reports) {
        List<Shard> shards = new ArrayList<>();
        for (ShardReport report : reports) {
            JsonArray seconds = report.json().getJsonArray("timeline");
            if (seconds != null) {
                List<JsonObject> lines = new ArrayList<>();
                seconds.forEach(second -> lines.add((JsonObject) second));
                shards.add(new Shard(report.timelineOffsetSeconds(), lines));
            }
        }
        return sum(shards);
    }

    static List<JsonObject> sum(List<Shard> shards) {
        List<JsonObject> merged = new ArrayList<>();
        for (Shard shard : shards) {
            for (JsonObject line : shard.seconds()) {
                int at = shard.offsetSeconds() + line.getInteger(SECOND);
                while (merged.size() <= at) {
                    merged.add(new JsonObject().put(SECOND, merged.size()).put(SHARDS, 0));
                }
                JsonObject second = merged.get(at);
                second.put(SHARDS, second.getInteger(SHARDS) + 1);
                add(second, line);
            }
        }
        return merged;
    }

    /** Adds {@code line}'s counts into {@code sum}, nested objects of counts too. */
    private static void add(JsonObject sum, JsonObject line) {
        for (Map.Entry<String, Object> field : line) {
            Object value = field.getValue();
            if (field.getKey().equals(SECOND)) {
                continue;
            }
            if (value instanceof Integer || value instanceof Long) {
                sum.put(field.getKey(), sum.getLong(field.getKey(), 0L) + ((Number) value).longValue());
            } else if (value instanceof JsonObject counts) {
                JsonObject into = sum.getJsonObject(field.getKey());
                if (into == null) {
                    into = new JsonObject();
                    sum.put(field.getKey(), into);
                }
                add(into, counts);
            }
        }
    }
}
