package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.vertx.core.json.JsonObject;

/**
 * Over fixed seeds, the merged timeline of any shards' timelines, each starting some whole seconds after the agreed
 * start, is their second-by-second sum; and the union of outage windows covers exactly the instants one of them does.
 */
class MergedTimelineTest {

    private static final List<String> ENDINGS = List.of("reset", "stalled", "client-closed");

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 5, 8, 13, 21, 34 })
    void secondKIsTheSumOfEveryShardsSecondK(long seed) {
        Random random = new Random(seed);
        List<MergedTimeline.Shard> shards = new ArrayList<>();
        for (int shard = 0, count = 1 + random.nextInt(5); shard < count; shard++) {
            List<JsonObject> seconds = new ArrayList<>();
            for (int second = 0, length = random.nextInt(8); second < length; second++) {
                JsonObject ended = new JsonObject();
                ENDINGS.stream().filter(ending -> random.nextBoolean())
                        .forEach(ending -> ended.put(ending, (long) random.nextInt(4)));
                seconds.add(new JsonObject().put("second", second).put("messages", (long) random.nextInt(1000))
                        .put("active", random.nextInt(10)).put("ended", ended)
                        .put("rttP99Micros", random.nextBoolean() ? null : random.nextDouble() * 1000));
            }
            shards.add(new MergedTimeline.Shard(random.nextInt(3), seconds));
        }

        List<JsonObject> merged = MergedTimeline.sum(shards);

        int length = shards.stream().mapToInt(shard -> shard.seconds().isEmpty() ? 0
                : shard.offsetSeconds() + shard.seconds().size()).max().orElse(0);
        assertThat(merged).hasSize(length);
        for (int k = 0; k < length; k++) {
            JsonObject second = merged.get(k);
            assertThat(second.getInteger("second")).isEqualTo(k);
            assertThat(second.containsKey("rttP99Micros")).as("a p99 is not summed").isFalse();
            List<JsonObject> lines = secondOfEach(shards, k);
            assertThat(second.getInteger("shards")).isEqualTo(lines.size());
            assertThat(second.getLong("messages", 0L)).isEqualTo(lines.stream().mapToLong(l -> l.getLong("messages")).sum());
            assertThat(second.getLong("active", 0L)).isEqualTo(lines.stream().mapToLong(l -> l.getLong("active")).sum());
            for (String ending : ENDINGS) {
                long sum = lines.stream().mapToLong(l -> l.getJsonObject("ended").getLong(ending, 0L)).sum();
                JsonObject ended = second.getJsonObject("ended", new JsonObject());
                assertThat(ended.getLong(ending, 0L)).as("second %d, %s", k, ending).isEqualTo(sum);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 2, 3, 5, 8, 13, 21, 34 })
    void theUnionOfWindowsCoversWhatAnyOfThemCovers(long seed) {
        Random random = new Random(seed);
        List<OutageWindows.Window> windows = new ArrayList<>();
        for (int i = 0, count = random.nextInt(12); i < count; i++) {
            long start = random.nextInt(100);
            windows.add(new OutageWindows.Window(start, start + random.nextInt(15)));
        }

        List<OutageWindows.Window> union = OutageWindows.union(windows);

        for (int i = 1; i < union.size(); i++) {
            assertThat(union.get(i).start()).as("disjoint, in order").isGreaterThan(union.get(i - 1).end());
        }
        for (long instant = 0; instant < 120; instant++) {
            long at = instant;
            assertThat(union.stream().anyMatch(window -> covers(window, at)))
                    .as("instant %d", at).isEqualTo(windows.stream().anyMatch(window -> covers(window, at)));
        }
    }

    /** Whether {@code window} covers the instant {@code at}, as a half-open interval. */
    private static boolean covers(OutageWindows.Window window, long at) {
        return window.start() <= at && at < window.end();
    }

    private static List<JsonObject> secondOfEach(List<MergedTimeline.Shard> shards, int k) {
        List<JsonObject> lines = new ArrayList<>();
        for (MergedTimeline.Shard shard : shards) {
            int at = k - shard.offsetSeconds();
            if (at >= 0 && at < shard.seconds().size()) {
                lines.add(shard.seconds().get(at));
            }
        }
        return lines;
    }
}
