package io.tcpecho.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Sizes and durations as users write them, in the configuration, on the load client's command line and in fault
 * selections: one syntax everywhere. Sizes are bytes with an optional unit, powers of 1024 ({@code 64}, {@code 4K},
 * {@code 4KiB}, {@code 32MiB}, {@code 1G}); durations a number and a unit ({@code 250us}, {@code 500ms}, {@code 10s},
 * {@code 2m}, {@code 1h}; a bare number is seconds).
 */
public final class Units {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(ib|b|i)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Duration MAX_DURATION = Duration.ofDays(365);
    private static final BigDecimal MAX_DURATION_NANOS = new BigDecimal(MAX_DURATION.toNanos());
    /** The units of a duration, largest first, each with its length in nanoseconds. */
    private static final List<DurationUnit> DURATION_UNITS = List.of(new DurationUnit("h", 3_600_000_000_000L),
            new DurationUnit("m", 60_000_000_000L), new DurationUnit("s", 1_000_000_000L),
            new DurationUnit("ms", 1_000_000L), new DurationUnit("us", 1_000L));

    private record DurationUnit(String symbol, long nanos) {
    }

    private Units() {
    }

    /** @throws IllegalArgumentException saying what a size looks like */
    public static long bytes(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && !m.group(3).equalsIgnoreCase("b"))) {
            throw new IllegalArgumentException("'" + value + "' is not a size such as 64, 4KiB, 32MiB or 1GiB");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return number << shift;
        } catch (NumberFormatException e) {
            // 8388608TiB is 2^63 bytes, one more than a long holds.
            throw new IllegalArgumentException("'" + value + "' is too large; a size is less than 8388608TiB");
        }
    }

    /** @throws IllegalArgumentException saying what a duration looks like */
    public static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration such as 500ms, 10s, 2m or 1h");
        }
        String symbol = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        long unit = DURATION_UNITS.stream().filter(u -> u.symbol().equals(symbol)).findFirst().orElseThrow().nanos();
        // In decimal, not binary floating point, so that 2.01s is 2,010,000,000 ns and not one fewer; a fraction of a
        // nanosecond is dropped.
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (nanos.compareTo(MAX_DURATION_NANOS) > 0) {
            throw new IllegalArgumentException(
                    "'" + value + "' is too long; a duration is at most " + formatDuration(MAX_DURATION));
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /**
     * {@code 250us}, {@code 200ms}, {@code 1500ms}, {@code 90s}, {@code 2m}, {@code 1h}: in the largest unit that holds it
     * whole, so that what is written reads back as the same duration; one that is not whole microseconds as a decimal
     * of them ({@code 1.5us}).
     */
    public static String formatDuration(Duration duration) {
        BigInteger nanos = BigInteger.valueOf(duration.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(duration.getNano()));
        if (nanos.signum() == 0) {
            return "0s";
        }
        for (DurationUnit unit : DURATION_UNITS) {
            BigInteger[] quotientAndRemainder = nanos.divideAndRemainder(BigInteger.valueOf(unit.nanos()));
            if (quotientAndRemainder[1].signum() == 0) {
                return quotientAndRemainder[0] + unit.symbol();
            }
        }
        return new BigDecimal(nanos).movePointLeft(3).stripTrailingZeros().toPlainString() + "us";
    }

    /** A size property in this syntax ({@code echo.memory-budget=64MiB}); what does not parse names what a size is. */
    public static final class SizeConverter implements Converter<Long> {
        @Override
        public Long convert(String value) {
            return bytes(value);
        }
    }

    /** {@code 512B}, {@code 64KiB}, {@code 1MiB}: the largest unit that divides {@code bytes} exactly. */
    public static String formatBytes(long bytes) {
        String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        int unit = 0;
        while (unit < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            unit++;
        }
        return bytes + units[unit];
    }
}
