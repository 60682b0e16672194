package io.tcpecho.fault;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every fault, registered once. The order is the order in which a connection's units act on each chunk of echo, and so
 * it matters: timing faults in the {@link DelayStage}'s order (a latency, then slices, then the bandwidth paces them),
 * and the cuts of the echo before its corruption, so that a bit flip is counted only on bytes that do leave. It is also
 * the order in which a spec's keys are written back.
 */
final class FaultTypes {

    static final List<FaultType> ALL = List.of(
            Latency.TYPE,
            FirstByteDelay.TYPE,
            Slicer.TYPE,
            Bandwidth.TYPE,
            Stall.TYPE,
            Refuse.TYPE,
            LimitData.TYPE,
            ResetAfterBytes.TYPE,
            ResetPeer.TYPE,
            Corrupt.TYPE,
            SlowClose.TYPE,
            NoHalfClose.TYPE);

    /** Every key, the faults' in their order, then the probability. */
    static final List<FaultKey<?>> KEYS = Stream.concat(ALL.stream().flatMap(type -> type.keys().stream()),
            Stream.of(FaultKey.PROBABILITY)).toList();

    private FaultTypes() {
    }

    /** The key written so: {@code latency}, {@code slicer.average-size}. */
    static Optional<FaultKey<?>> key(String name) {
        return KEYS.stream().filter(key -> key.key().equals(name)).findFirst();
    }

    /**
     * The key written so or as an environment variable's suffix names it ({@code SLICER_AVERAGE_SIZE}), which SmallRye
     * hands a configuration map as {@code slicer.average.size} when no other source spells the key.
     */
    static Optional<FaultKey<?>> configured(String name) {
        return key(name).or(() -> KEYS.stream().filter(key -> envName(key.key()).equals(envName(name))).findFirst());
    }

    private static String envName(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The keys, for messages: {@code latency, jitter, ...}. */
    static String names() {
        return String.join(", ", FaultScenario.keys());
    }

    /** Every action the faults count, for the meter's description. */
    static List<String> actions() {
        return ALL.stream().flatMap(type -> type.actions().stream()).distinct().toList();
    }
}
