package io.tcpecho.config;

import java.time.Duration;
import java.util.Locale;

/** Durations as they are written in the configuration ({@code 30s}, {@code 1m30s}), not ISO-8601's {@code PT30S}. */
public final class DurationFormat {

    private DurationFormat() {
    }

    public static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
