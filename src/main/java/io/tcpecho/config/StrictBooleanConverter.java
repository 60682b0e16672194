package io.tcpecho.config;

import java.util.Locale;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Booleans that refuse what is neither true nor false. SmallRye's converter reads any other word as false, with only a
 * warning: {@code ECHO_TCP_KEEP_ALIVE=ture} would turn keepalive off and start. This takes the words SmallRye's does
 * (true, yes, on, y, 1 and their opposites, in any case) and refuses the rest, which start-up then reports with the
 * other problems.
 */
public final class StrictBooleanConverter implements Converter<Boolean> {

    @Override
    public Boolean convert(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "" -> null;
            case "true", "yes", "on", "y", "1" -> Boolean.TRUE;
            case "false", "no", "off", "n", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + value + "' is not true or false");
        };
    }
}
