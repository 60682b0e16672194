package io.tcpecho.load;

import java.util.BitSet;
import java.util.Optional;
import java.util.stream.Collectors;

/** The shards that have checked in with index 0 so far (index 0 itself from the start). */
final class CheckIns {

    private final int shards;
    private final BitSet in = new BitSet();

    CheckIns(int shards) {
        this.shards = shards;
        in.set(0);
    }

    /**
     * Takes a participant's check-in, or says why not: an index out of range, a shard count other than index 0's (the
     * Job's pods were not all started alike), or an index already in (two pods claim one slice of the load).
     */
    Optional<String> admit(BarrierLines.CheckIn checkIn) {
        if (checkIn.shards() != shards) {
            return Optional.of("shard " + checkIn.index() + "/" + checkIn.shards() + " counts " + checkIn.shards()
                    + " shards, index 0 counts " + shards);
        }
        if (checkIn.index() < 1 || checkIn.index() >= shards) {
            return Optional.of("shard index " + checkIn.index() + " is out of range 1-" + (shards - 1));
        }
        if (in.get(checkIn.index())) {
            return Optional.of("shard " + checkIn.index() + " already checked in");
        }
        in.set(checkIn.index());
        return Optional.empty();
    }

    /** A participant whose connection closed before the start: a restarted pod may check in again. */
    void leave(int index) {
        if (index > 0) {
            in.clear(index);
        }
    }

    boolean complete() {
        return in.cardinality() == shards;
    }

    /** Why index 0 is still waiting, e.g. {@code shards 3, 7 never checked in}. */
    String missing() {
        BitSet out = (BitSet) in.clone();
        out.flip(0, shards);
        String indexes = out.stream().mapToObj(Integer::toString).collect(Collectors.joining(", "));
        return (out.cardinality() == 1 ? "shard " : "shards ") + indexes + " never checked in";
    }
}
