package io.tcpecho.config;

import java.time.Duration;
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
    private static final double MAX_DURATION_NANOS = 365 * 24 * 3600e9;

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
            throw new IllegalArgumentException("'" + value + "' is too large");
        }
    }

    /** @throws IllegalArgumentException saying what a duration looks like */
    public static Duration duration(String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration such as 500ms, 10s, 2m or 1h");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        double nanos = switch (unit) {
            case "us" -> number * 1e3;
            case "ms" -> number * 1e6;
            case "m" -> number * 60e9;
            case "h" -> number * 3600e9;
            default -> number * 1e9;
        };
        if (nanos > MAX_DURATION_NANOS) {
            throw new IllegalArgumentException("'" + value + "' is too long");
        }
        return Duration.ofNanos((long) nanos);
    }

    /** {@code 250us}, {@code 200ms}, {@code 30s}, {@code 1m30s}: as a user would write it back. */
    public static String formatDuration(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos != 0 && nanos < 1_000_000_000L && nanos % 1_000 == 0) {
            return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + "ms" : nanos / 1_000 + "us";
        }
        return DurationFormat.format(duration);
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
