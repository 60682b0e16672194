package io.tcpecho.load;

/**
 * One of {@code count} slices of a run, numbered from 0: N shards of a run together are exactly the run. A shard takes
 * its share of each thing the run has a number of (connections, connections opening at a time): the total divided by
 * the count, and one more for the first {@code total mod count} shards. Its connections keep the ids the whole run
 * would give them, so each stream of the {@link PayloadPattern} is sent by one shard only.
 */
record Shard(int index, int count) {

    /** The whole run, unsharded. */
    static final Shard WHOLE = new Shard(0, 1);

    Shard {
        if (count < 1) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": the number of shards must be positive");
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + ": the index must be 0 to " + (count - 1));
        }
    }

    /** {@code I/N}, as {@code --shard} reads it. */
    static Shard parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not INDEX/COUNT, e.g. 0/3");
        }
        try {
            return new Shard(Integer.parseInt(text.substring(0, slash).strip()),
                    Integer.parseInt(text.substring(slash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not INDEX/COUNT, e.g. 0/3");
        }
    }

    boolean isWhole() {
        return count == 1;
    }

    /** This shard's part of {@code total}. */
    long share(long total) {
        return total / count + (index < total % count ? 1 : 0);
    }

    /** The first of this shard's part of {@code total} things numbered from 0, the shards' parts in index order. */
    long first(long total) {
        return index * (total / count) + Math.min(index, total % count);
    }

    /** This shard's connections of a run that opens {@code total}, numbered as that run numbers them. */
    Connections connections(int total) {
        return new Connections(first(total), (int) share(total));
    }

    /**
     * The id of this shard's {@code k}-th connection of a run that opens connections without end (churn): ids
     * {@code index, index + count, index + 2 count} and so on, which are the whole run's ids 0, 1, 2 ... when it is
     * the whole run.
     */
    long interleavedId(long k) {
        return index + k * count;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    /** {@code count} connections with the ids {@code first} to {@code first + count - 1}. */
    record Connections(long first, int count) {

        long id(int k) {
            return first + k;
        }
    }
}
