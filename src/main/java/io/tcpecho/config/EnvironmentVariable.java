package io.tcpecho.config;

import java.util.Locale;

/** The environment variable that sets a property, as MicroProfile Config maps it; what a pod's manifest sets. */
public final class EnvironmentVariable {

    private EnvironmentVariable() {
    }

    /** {@code echo.idle-timeout} is {@code ECHO_IDLE_TIMEOUT}. */
    public static String of(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
}
