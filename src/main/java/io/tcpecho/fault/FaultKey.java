package io.tcpecho.fault;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import io.tcpecho.config.Units;

/**
 * The fault vocabulary, Toxiproxy's names in the project's syntax: each key, the fault it belongs to, what its value
 * is and the range it must be in. The configuration, the command port and SNI labels all read their values here, so
 * that a value means the same and is refused with the same words wherever it is written.
 */
public enum FaultKey {
    LATENCY("latency", "latency", Kind.DURATION, 0, Duration.ofMinutes(10).toNanos()),
    JITTER("jitter", "latency", Kind.DURATION, 0, Duration.ofMinutes(10).toNanos()),
    BANDWIDTH("bandwidth", "bandwidth", Kind.RATE, 1, 10L << 30),
    SLICER_AVERAGE_SIZE("slicer.average-size", "slicer", Kind.SIZE, 1, 1 << 20),
    SLICER_SIZE_VARIATION("slicer.size-variation", "slicer", Kind.SIZE, 0, 1 << 20),
    SLICER_DELAY("slicer.delay", "slicer", Kind.DURATION, 0, Duration.ofMinutes(1).toNanos()),
    TIMEOUT("timeout", "stall", Kind.DURATION, 0, Duration.ofHours(24).toNanos()),
    RESET_AFTER_BYTES("reset-after-bytes", "reset", Kind.SIZE, 0, 1L << 40),
    RESET_PEER("reset-peer", "reset", Kind.DURATION, 0, Duration.ofHours(24).toNanos()),
    LIMIT_DATA("limit-data", "truncate", Kind.SIZE, 0, 1L << 40),
    SLOW_CLOSE("slow-close", "slow_close", Kind.DURATION, 0, Duration.ofMinutes(10).toNanos()),
    NO_HALF_CLOSE("no-half-close", "no_half_close", Kind.FLAG, 0, 1),
    FIRST_BYTE_DELAY("first-byte-delay", "slow_start", Kind.DURATION, 0, Duration.ofMinutes(10).toNanos()),
    CORRUPT_EVERY("corrupt-every", "corrupt", Kind.SIZE, 1, 1L << 40),
    REFUSE("refuse", "refuse", Kind.FLAG, 0, 1),
    PROBABILITY("probability", null, Kind.FRACTION, 0, 1);

    /** What a key's value is. */
    enum Kind {
        DURATION, SIZE, RATE, FLAG, FRACTION
    }

    private final String key;
    private final String fault;
    private final Kind kind;
    private final long min;
    private final long max;

    FaultKey(String key, String fault, Kind kind, long min, long max) {
        this.key = key;
        this.fault = fault;
        this.kind = kind;
        this.min = min;
        this.max = max;
    }

    /** The key as written: {@code latency}, {@code slicer.average-size}. */
    public String key() {
        return key;
    }

    /** The fault it configures, the {@code fault} label of the metrics; null for probability, which is no fault. */
    public String fault() {
        return fault;
    }

    Kind kind() {
        return kind;
    }

    public static Optional<FaultKey> named(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    /**
     * Reads a value as the command port writes it: durations {@code 200ms}, sizes {@code 64KiB}, rates {@code 1MiB}
     * (bytes per second), flags {@code true} or {@code false}, probabilities {@code 0.25}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    Object parse(String text) {
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
        String problem = check(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return value;
    }

    /** Why {@code value} is out of this key's range, or null. */
    String check(Object value) {
        boolean inRange = switch (kind) {
            case DURATION -> !((Duration) value).isNegative() && ((Duration) value).toNanos() >= min
                    && ((Duration) value).toNanos() <= max;
            case SIZE, RATE -> (Long) value >= min && (Long) value <= max;
            case FRACTION -> (Double) value >= 0 && (Double) value <= 1;
            case FLAG -> true;
        };
        return inRange ? null : "%s is out of range; allowed: %s to %s".formatted(format(value), format(min), format(max));
    }

    /** A value written back in the syntax it is read in. */
    String format(Object value) {
        return switch (kind) {
            case DURATION -> Units.formatDuration((Duration) value);
            case SIZE -> Units.formatBytes((Long) value);
            case RATE -> Units.formatBytes((Long) value) + "/s";
            case FLAG, FRACTION -> String.valueOf(value);
        };
    }

    private String format(long bound) {
        return switch (kind) {
            case DURATION -> Units.formatDuration(Duration.ofNanos(bound));
            case SIZE, RATE -> format((Object) bound);
            case FRACTION, FLAG -> String.valueOf(bound);
        };
    }
}
