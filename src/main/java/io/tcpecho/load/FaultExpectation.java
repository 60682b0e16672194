package io.tcpecho.load;

import java.time.Duration;
import java.util.Locale;

import io.tcpecho.config.Units;
import io.tcpecho.load.Observed.Kind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --expect FAULT}: the fault every connection must meet, written as the server's fault port is configured, so
 * that a balancer's CI can assert that a failing backend fails as it should: the run passes when every connection ends
 * exactly so, and fails when one does not (also when one gets its whole echo).
 */
record FaultExpectation(String fault, long bytes, Duration duration) {

    /**
     * Not no-half-close: what it drops is the echo still queued at the client's FIN, and a client that reads as fast as
     * the server echoes may have none queued, so a run could not tell it from the plain echo.
     */
    static final String SUPPORTED = "reset-after-bytes=BYTES, reset-peer=DURATION, limit-data=BYTES, refuse, "
            + "timeout=DURATION, corrupt-every=BYTES, slow-close=DURATION";

    /** Whether {@code seen} is this fault as configured. */
    boolean matches(Observed seen) {
        return switch (fault) {
            case "reset-after-bytes" -> seen.kind() == Kind.RESET && seen.atByte() == bytes;
            case "reset-peer" -> seen.kind() == Kind.RESET && seen.afterMillis() >= duration.toMillis();
            case "limit-data" -> seen.kind() == Kind.EOF && seen.atByte() == bytes;
            case "refuse" -> (seen.kind() == Kind.RESET || seen.kind() == Kind.EOF) && seen.atByte() == 0;
            case "timeout" -> duration.isZero() ? seen.kind() == Kind.STALLED && seen.atByte() == 0
                    : seen.kind() == Kind.EOF && seen.atByte() == 0 && seen.afterMillis() >= duration.toMillis();
            case "corrupt-every" -> seen.kind() == Kind.CORRUPTED && seen.atByte() == bytes - 1;
            default -> false;
        };
    }

    /** Whether it is a stall (timeout), which the client's half-close would end. */
    boolean isStall() {
        return fault.equals("timeout");
    }

    /** Whether a connection that got its whole echo and the server's EOF meets it: slow-close only, by its delay. */
    boolean completedAsExpected(long halfCloseToEofMillis) {
        return fault.equals("slow-close") && halfCloseToEofMillis >= duration.toMillis();
    }

    /** For reports: what every connection should have seen. */
    String describe() {
        return switch (fault) {
            case "reset-after-bytes" -> "reset at byte " + bytes;
            case "reset-peer" -> "reset at least " + Units.formatDuration(duration) + " after connecting";
            case "limit-data" -> "EOF at byte " + bytes;
            case "refuse" -> "reset or EOF before any echo";
            case "timeout" -> duration.isZero() ? "no echo (stalled)" : "EOF before any echo, at least "
                    + Units.formatDuration(duration) + " after connecting";
            case "corrupt-every" -> "first corruption at byte " + (bytes - 1);
            default -> "the server's EOF at least " + Units.formatDuration(duration) + " after the half-close";
        };
    }

    static final class Converter implements ITypeConverter<FaultExpectation> {
        @Override
        public FaultExpectation convert(String value) {
            String[] parts = value.split("=", 2);
            String fault = parts[0].toLowerCase(Locale.ROOT);
            String argument = parts.length > 1 ? parts[1] : null;
            try {
                return switch (fault) {
                    case "reset-after-bytes", "limit-data", "corrupt-every" -> {
                        long bytes = Units.bytes(required(fault, argument));
                        if (fault.equals("corrupt-every") && bytes < 1) {
                            throw new IllegalArgumentException("corrupt-every must be at least 1");
                        }
                        yield new FaultExpectation(fault, bytes, Duration.ZERO);
                    }
                    case "reset-peer", "timeout", "slow-close" ->
                        new FaultExpectation(fault, 0, Units.duration(required(fault, argument)));
                    case "refuse" -> {
                        if (argument != null && !argument.equalsIgnoreCase("true")) {
                            throw new IllegalArgumentException(fault + " takes no value");
                        }
                        yield new FaultExpectation(fault, 0, Duration.ZERO);
                    }
                    default -> throw new IllegalArgumentException("'" + fault + "' is not one of " + SUPPORTED);
                };
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        private static String required(String fault, String argument) {
            if (argument == null || argument.isBlank()) {
                throw new IllegalArgumentException(fault + " needs a value: " + fault + "=...");
            }
            return argument;
        }
    }
}
