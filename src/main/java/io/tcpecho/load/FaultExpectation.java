package io.tcpecho.load;

import java.util.Iterator;

import io.tcpecho.fault.Expectation;
import io.tcpecho.fault.Expectation.Ending;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --expect FAULT}: the fault every connection must meet, written as the server's fault port is configured, so
 * that a balancer's CI can assert that a failing backend fails as it should: the run passes when every connection ends
 * exactly so, and fails when one does not (also when one gets its whole echo). What a client sees of each fault is
 * declared with the fault ({@link Expectation}); this is the load client's side of it.
 */
record FaultExpectation(Expectation expectation) {

    /** Whether {@code seen} is this fault as configured. */
    boolean matches(Observed seen) {
        Ending ending = switch (seen.kind()) {
            case RESET -> Ending.RESET;
            case EOF -> Ending.EOF;
            case STALLED -> Ending.STALLED;
            case CORRUPTED -> Ending.CORRUPTED;
            default -> null;
        };
        return ending != null && expectation.endedAsExpected(ending, seen.atByte(), seen.afterMillis());
    }

    /** Whether it is a stall (timeout), which the client's half-close would end. */
    boolean isStall() {
        return expectation.stall();
    }

    /** Whether a connection that got its whole echo and the server's EOF meets it: slow-close only, by its delay. */
    boolean completedAsExpected(long halfCloseToEofMillis) {
        return expectation.completedAsExpected(halfCloseToEofMillis);
    }

    /** For reports: what every connection should have seen. */
    String describe() {
        return expectation.description();
    }

    /** The faults it takes, for the usage, which picocli reads from an {@code Iterable}. */
    static final class Faults implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Expectation.supported().iterator();
        }
    }

    static final class Converter implements ITypeConverter<FaultExpectation> {
        @Override
        public FaultExpectation convert(String value) {
            String[] parts = value.split("=", 2);
            try {
                return new FaultExpectation(Expectation.of(parts[0], parts.length > 1 ? parts[1] : null));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
