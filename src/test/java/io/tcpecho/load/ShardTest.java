package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A run's shards are exactly the run: every share, every connection id, once; and the index and count are checked. */
class ShardTest {

    @Test
    void sharesAddUpToTheTotalTheFirstShardsTakingOneMore() {
        for (int count = 1; count <= 12; count++) {
            for (long total = 0; total <= 60; total++) {
                long sum = 0;
                Set<Long> ids = new HashSet<>();
                for (int index = 0; index < count; index++) {
                    Shard shard = new Shard(index, count);
                    long share = shard.share(total);
                    assertThat(share).as("%d of %d", index, total).isEqualTo(total / count + (index < total % count ? 1 : 0));
                    assertThat(shard.first(total)).as("first of shard %d/%d of %d", index, count, total).isEqualTo(sum);
                    Shard.Connections connections = shard.connections((int) total);
                    for (int k = 0; k < connections.count(); k++) {
                        assertThat(ids.add(connections.id(k))).isTrue();
                    }
                    sum += share;
                }
                long all = total;
                assertThat(sum).isEqualTo(all);
                assertThat(ids).hasSize((int) all).allMatch(id -> id >= 0 && id < all);
            }
        }
    }

    @Test
    void interleavedIdsAreTheWholeRunsOnceEach() {
        Set<Long> ids = new HashSet<>();
        for (int index = 0; index < 5; index++) {
            for (long k = 0; k < 100; k++) {
                assertThat(ids.add(new Shard(index, 5).interleavedId(k))).isTrue();
            }
        }
        assertThat(ids).hasSize(500).allMatch(id -> id >= 0 && id < 500);
        assertThat(Shard.WHOLE.interleavedId(7)).isEqualTo(7);
    }

    @Test
    void badShardsAreSaidInOneLine() {
        assertThat(Shard.parse("2/3")).isEqualTo(new Shard(2, 3));
        assertThatThrownBy(() -> Shard.parse("3/3")).hasMessage("shard 3/3: the index must be 0 to 2");
        assertThatThrownBy(() -> Shard.parse("0/0")).hasMessage("shard 0/0: the number of shards must be positive");
        assertThatThrownBy(() -> Shard.parse("-1/3")).hasMessage("shard -1/3: the index must be 0 to 2");
        assertThatThrownBy(() -> Shard.parse("1")).hasMessage("'1' is not INDEX/COUNT, e.g. 0/3");
        assertThatThrownBy(() -> Shard.parse("a/3")).hasMessage("'a/3' is not INDEX/COUNT, e.g. 0/3");
    }

    @Test
    void theIndexComesFromTheIndexedJobAndTheCountFromTheOptionOrItsVariable() {
        Map<String, String> job = Map.of("JOB_COMPLETION_INDEX", "2");
        assertThat(ShardOptions.resolve(null, null, Map.of())).isEqualTo(Shard.WHOLE);
        assertThat(ShardOptions.resolve(null, 3, job)).isEqualTo(new Shard(2, 3));
        assertThat(ShardOptions.resolve(null, null, Map.of("JOB_COMPLETION_INDEX", "2", "LOAD_SHARDS", "4")))
                .isEqualTo(new Shard(2, 4));
        assertThat(ShardOptions.resolve("1/3", null, job)).as("the option before the environment").isEqualTo(new Shard(1, 3));
        assertThatThrownBy(() -> ShardOptions.resolve(null, null, job))
                .hasMessage("JOB_COMPLETION_INDEX is 2 but the number of shards is not set: give --shards N or LOAD_SHARDS");
        assertThatThrownBy(() -> ShardOptions.resolve(null, 3, Map.of()))
                .hasMessage("3 shards but no index: give --shard I/3 or JOB_COMPLETION_INDEX");
        assertThatThrownBy(() -> ShardOptions.resolve(null, 2, job)).hasMessage("shard 2/2: the index must be 0 to 1");
        assertThatThrownBy(() -> ShardOptions.resolve("1/3", 4, Map.of())).hasMessage("--shard 1/3 and --shards 4 disagree");
        assertThatThrownBy(() -> ShardOptions.resolve(null, null, Map.of("JOB_COMPLETION_INDEX", "0", "LOAD_SHARDS", "x")))
                .hasMessage("LOAD_SHARDS is 'x', not a number");
    }
}
