package io.tcpecho.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;

/**
 * The seeds a fuzz test runs on, for a {@code @ParameterizedTest} with a {@code @MethodSource}. By default a fixed
 * list, the same on every run and in CI, that keeps every seed that ever failed as a named regression case. The
 * system property {@value #PROPERTY} asks for something else: {@code -Dtcpecho.fuzz.seed=random} runs one seed drawn
 * from the clock instead, {@code -Dtcpecho.fuzz.seed=<n>} replays seed n alone (Maven passes it on to the tests, e.g.
 * {@code ./mvnw test -Dtest=UdpFuzzTest -Dtcpecho.fuzz.seed=random}). The seeds are printed before they run, and each
 * invocation's name carries its seed, so that a failure can be replayed.
 */
public final class FuzzSeeds {

    public static final String PROPERTY = "tcpecho.fuzz.seed";

    private final List<Named<Long>> fixed = new ArrayList<>();

    private FuzzSeeds() {
    }

    /** Seeds run on every run, chosen for no reason but to be the same each time. */
    public static FuzzSeeds fixed(long... seeds) {
        FuzzSeeds list = new FuzzSeeds();
        LongStream.of(seeds).forEach(seed -> list.fixed.add(Named.of(Long.toString(seed), seed)));
        return list;
    }

    /** A seed that once failed: kept for good, named with what it found. */
    public FuzzSeeds regression(long seed, String found) {
        fixed.add(Named.of(seed + " (regression: " + found + ")", seed));
        return this;
    }

    /** The seeds this run uses for {@code test}'s fuzzing: the fixed list, or the one the property asks for. */
    public Stream<Named<Long>> seeds(Class<?> test) {
        List<Named<Long>> seeds = chosen(System.getProperty(PROPERTY, "").strip());
        System.out.printf("%s: fuzzing with seed%s %s (replay one with -D%s=<seed>)%n", test.getSimpleName(),
                seeds.size() == 1 ? "" : "s", seeds.stream().map(Named::getName).collect(Collectors.joining(", ")), PROPERTY);
        return seeds.stream();
    }

    private List<Named<Long>> chosen(String property) {
        if (property.isEmpty() || property.equals("fixed")) {
            return List.copyOf(fixed);
        }
        if (property.equals("random")) {
            long seed = System.nanoTime();
            return List.of(Named.of(seed + " (random)", seed));
        }
        try {
            long seed = Long.parseLong(property);
            return List.of(Named.of(seed + " (asked for)", seed));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + "=" + property + ": expected 'random', 'fixed' or a seed (a long)", e);
        }
    }
}
