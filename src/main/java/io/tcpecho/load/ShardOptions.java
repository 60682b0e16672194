package io.tcpecho.load;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --shard I/N} and {@code --shards N}: which slice of the run this process runs. A Kubernetes Indexed Job
 * gives each pod its index in {@value #INDEX_VARIABLE} but not the number of pods, so the count comes from
 * {@code --shards} or {@value #COUNT_VARIABLE}; an index with no count is an error rather than a whole run in every
 * pod.
 */
final class ShardOptions {

    static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";
    static final String COUNT_VARIABLE = "LOAD_SHARDS";

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run shard I of N (0 to N-1): its share of the connections (udp: of the datagrams), with the "
                    + "numbers the whole run gives them (default: " + INDEX_VARIABLE + " of --shards; none: the whole "
                    + "run).")
    String shard;

    @Option(names = "--shards", paramLabel = "N",
            description = "The number of shards, the index from " + INDEX_VARIABLE + " (default: " + COUNT_VARIABLE + ").")
    Integer shards;

    @Option(names = "--barrier", paramLabel = "HOST:PORT", converter = BarrierAddress.Converter.class,
            description = "Start at one instant with the other shards: index 0 listens on PORT until every shard has "
                    + "checked in, the others check in at HOST:PORT (in an Indexed Job, <job>-0.<headless service>).")
    BarrierAddress barrier;

    @Option(names = "--barrier-timeout", paramLabel = "DURATION", defaultValue = "120s",
            converter = LoadConverters.DurationConverter.class,
            description = "How long a shard waits at the barrier for the others (default: ${DEFAULT-VALUE}).")
    long barrierTimeoutNanos;

    /**
     * With {@code --barrier}, waits there until every shard of the run has checked in, saying on {@code spec}'s error
     * stream what it waits for, and returns at the instant they all start; without, returns at once. Shards that cannot
     * start together are a {@link BarrierException}, which the command line reports as the run's failure
     * ({@link LoadCli}).
     *
     * @return the start the shards agreed on; null without a barrier
     */
    Instant awaitStart(Shard shard, CommandSpec spec) throws BarrierException, IOException, InterruptedException {
        if (barrier == null) {
            return null;
        }
        BarrierStart start = StartBarrier.await(shard.index(), shard.count(), barrier, Duration.ofNanos(barrierTimeoutNanos),
                line -> spec.commandLine().getErr().println("load: " + line));
        return Instant.ofEpochMilli(start.agreedStartMillis());
    }

    /**
     * Stops the command line unless each shard of {@code shard}'s run gets at least one of the {@code total} that
     * {@code option} says.
     */
    static void shared(CommandSpec spec, Shard shard, String option, long total) {
        if (total < shard.count()) {
            throw new ParameterException(spec.commandLine(), option + " " + total + " cannot be split into "
                    + shard.count() + " shards: each needs at least one");
        }
    }

    /** The shard this run is, from the options or else the environment; a usage error names what is wrong. */
    Shard resolve(CommandSpec spec) {
        try {
            return resolve(shard, shards, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static Shard resolve(String shard, Integer shards, Map<String, String> environment) {
        if (shard != null) {
            Shard given = Shard.parse(shard);
            if (shards != null && shards != given.count()) {
                throw new IllegalArgumentException("--shard " + shard + " and --shards " + shards + " disagree");
            }
            return given;
        }
        String indexText = environment.get(INDEX_VARIABLE);
        String countText = environment.get(COUNT_VARIABLE);
        Integer count = shards != null ? shards : countText == null ? null : number(COUNT_VARIABLE, countText);
        if (count == null) {
            if (indexText != null) {
                throw new IllegalArgumentException(INDEX_VARIABLE + " is " + indexText + " but the number of shards is not "
                        + "set: give --shards N or " + COUNT_VARIABLE);
            }
            return Shard.WHOLE;
        }
        if (indexText == null) {
            throw new IllegalArgumentException(count + " shards but no index: give --shard I/" + count + " or "
                    + INDEX_VARIABLE);
        }
        return new Shard(number(INDEX_VARIABLE, indexText), count);
    }

    private static int number(String name, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is '" + text + "', not a number");
        }
    }
}
