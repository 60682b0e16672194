package io.tcpecho.fault;

import java.util.List;
import java.util.Locale;
import java.util.function.LongPredicate;

/**
 * What a client sees of a fault, declared with the fault ({@link FaultType}): what the load client's {@code --expect}
 * checks every connection against. A fault either ends a connection early ({@link #endedAsExpected}) or lets its echo
 * complete and shows in how it ends ({@link #completedAsExpected}).
 *
 * @param description for reports: what every connection should see
 * @param stall whether the fault stalls the connection, which the client's half-close would end
 */
public record Expectation(String description, EndMatcher ended, LongPredicate completed, boolean stall) {

    /** How a connection ended before its whole echo came back, as the client saw it. */
    public enum Ending {
        /** RST from the server. */
        RESET,
        /** The server's FIN. */
        EOF,
        /** No echo, or no EOF after the half-close, for the client's timeout. */
        STALLED,
        /** An echoed byte differs from the one sent. */
        CORRUPTED
    }

    /** Whether a connection that ended so met the fault. */
    @FunctionalInterface
    public interface EndMatcher {
        /**
         * @param atByte the echoed bytes the client verified before the end
         * @param afterMillis since the client began to connect (no later than the server's accept)
         */
        boolean matches(Ending ending, long atByte, long afterMillis);
    }

    /** A fault that ends each connection early, so. */
    static Expectation ending(String description, EndMatcher ended) {
        return new Expectation(description, ended, millis -> false, false);
    }

    /** A fault that lets the echo complete, and shows in how long after the half-close the server's EOF comes. */
    static Expectation completing(String description, LongPredicate halfCloseToEofMillis) {
        return new Expectation(description, (ending, atByte, afterMillis) -> false, halfCloseToEofMillis, false);
    }

    Expectation stalling() {
        return new Expectation(description, ended, completed, true);
    }

    public boolean endedAsExpected(Ending ending, long atByte, long afterMillis) {
        return ended.matches(ending, atByte, afterMillis);
    }

    /** Whether a connection that got its whole echo, and the server's EOF this long after its half-close, met it. */
    public boolean completedAsExpected(long halfCloseToEofMillis) {
        return completed.test(halfCloseToEofMillis);
    }

    /**
     * The expectation of {@code fault} ({@code limit-data}, {@code refuse}) at {@code value} (null for a flag's), read
     * and range-checked as the fault port's configuration is.
     *
     * @throws IllegalArgumentException saying what is wrong, or which faults there are
     */
    public static Expectation of(String fault, String value) {
        String name = fault.toLowerCase(Locale.ROOT);
        FaultType type = FaultTypes.ALL.stream()
                .filter(candidate -> candidate.expectation() != null && candidate.keys().get(0).key().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not one of " + String.join(", ", supported())));
        FaultKey<?> key = type.keys().get(0);
        if (key.kind() == FaultKey.Kind.FLAG && value != null && !value.equalsIgnoreCase("true")) {
            throw new IllegalArgumentException(name + " takes no value");
        }
        if (key.kind() != FaultKey.Kind.FLAG && (value == null || value.isBlank())) {
            throw new IllegalArgumentException(name + " needs a value: " + name + "=...");
        }
        return type.expectation().apply(FaultSpec.builder().parse(key, value == null ? "true" : value).build());
    }

    /** The faults there are expectations of, for the usage: {@code timeout=DURATION}, {@code refuse} ... */
    public static List<String> supported() {
        return FaultTypes.ALL.stream().filter(type -> type.expectation() != null).map(type -> {
            FaultKey<?> key = type.keys().get(0);
            return key.key() + switch (key.kind()) {
                case FLAG -> "";
                case DURATION -> "=DURATION";
                default -> "=BYTES";
            };
        }).toList();
    }
}
