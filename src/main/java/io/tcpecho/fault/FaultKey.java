package io.tcpecho.fault;

import java.time.Duration;
import java.util.Locale;

import io.tcpecho.config.Units;

/**
 * A key of the fault vocabulary, Toxiproxy's names in the project's syntax: what its value is and the range it must be
 * in. Each fault declares its keys in its own file ({@link FaultType}); the configuration, the command port and SNI
 * labels all read values through them, so that a value means the same and is refused with the same words wherever it
 * is written.
 *
 * @param <T> the value's type: {@link Duration}, {@link Long} (sizes and rates), {@link Boolean} or {@link Double}
 */
public final class FaultKey<T> {

    /** The chance that a connection gets its faults, drawn once at its start: no fault itself, so every fault's key. */
    public static final FaultKey<Double> PROBABILITY = new FaultKey<>("probability", Kind.FRACTION, Double.class, 0, 1);

    /** What a key's value is. */
    enum Kind {
        DURATION, SIZE, RATE, FLAG, FRACTION
    }

    private final String key;
    private final Kind kind;
    private final Class<T> type;
    private final long min;
    private final long max;

    private FaultKey(String key, Kind kind, Class<T> type, long min, long max) {
        this.key = key;
        this.kind = kind;
        this.type = type;
        this.min = min;
        this.max = max;
    }

    /** A duration from 0 to {@code max}. */
    static FaultKey<Duration> duration(String key, Duration max) {
        return new FaultKey<>(key, Kind.DURATION, Duration.class, 0, max.toNanos());
    }

    /** A size in bytes ({@code 64KiB}). */
    static FaultKey<Long> size(String key, long min, long max) {
        return new FaultKey<>(key, Kind.SIZE, Long.class, min, max);
    }

    /** Bytes per second, written as a size ({@code 1MiB}). */
    static FaultKey<Long> rate(String key, long min, long max) {
        return new FaultKey<>(key, Kind.RATE, Long.class, min, max);
    }

    /** {@code true} turns the fault on; {@code false} is no fault. */
    static FaultKey<Boolean> flag(String key) {
        return new FaultKey<>(key, Kind.FLAG, Boolean.class, 0, 1);
    }

    /** The key as written: {@code latency}, {@code slicer.average-size}. */
    public String key() {
        return key;
    }

    Kind kind() {
        return kind;
    }

    T cast(Object value) {
        return type.cast(value);
    }

    /** Whether {@code value} means no fault (a flag set to false, a probability of 1), and so is as good as unset. */
    boolean none(T value) {
        return kind == Kind.FLAG && Boolean.FALSE.equals(value) || kind == Kind.FRACTION && Double.valueOf(1).equals(value);
    }

    /**
     * Reads a value as the command port writes it: durations {@code 200ms}, sizes {@code 64KiB}, rates {@code 1MiB}
     * (bytes per second), flags {@code true} or {@code false}, probabilities {@code 0.25}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    T parse(String text) {
        Object value = switch (kind) {
            case DURATION -> Units.duration(text);
            case SIZE, RATE -> Units.bytes(text);
            case FLAG -> switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
            };
            case FRACTION -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a number from 0 to 1");
                }
            }
        };
        String problem = check(cast(value));
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return cast(value);
    }

    /** Why {@code value} is out of this key's range, or null. */
    String check(T value) {
        boolean inRange = switch (kind) {
            case DURATION -> !((Duration) value).isNegative() && ((Duration) value).toNanos() >= min
                    && ((Duration) value).toNanos() <= max;
            case SIZE, RATE -> (Long) value >= min && (Long) value <= max;
            case FRACTION -> (Double) value >= 0 && (Double) value <= 1;
            case FLAG -> true;
        };
        return inRange ? null : "%s is out of range; allowed: %s to %s".formatted(format(value), bound(min), bound(max));
    }

    /** A value written back in the syntax it is read in. */
    String format(T value) {
        return switch (kind) {
            case DURATION -> Units.formatDuration((Duration) value);
            case SIZE -> Units.formatBytes((Long) value);
            case RATE -> Units.formatBytes((Long) value) + "/s";
            case FLAG, FRACTION -> String.valueOf(value);
        };
    }

    /** What it takes, as the configuration reference says it: {@code a duration, 0s to 10m}. */
    public String allowed() {
        return switch (kind) {
            case DURATION -> "a duration, %s to %s".formatted(bound(min), bound(max));
            case SIZE -> "a size, %s to %s".formatted(bound(min), bound(max));
            case RATE -> "a rate, %s to %s".formatted(bound(min), bound(max));
            case FRACTION -> "a fraction, 0 to 1";
            case FLAG -> "true or false";
        };
    }

    private String bound(long bound) {
        return switch (kind) {
            case DURATION -> Units.formatDuration(Duration.ofNanos(bound));
            case SIZE, RATE -> format(cast(bound));
            case FRACTION, FLAG -> String.valueOf(bound);
        };
    }

    @Override
    public String toString() {
        return key;
    }
}
