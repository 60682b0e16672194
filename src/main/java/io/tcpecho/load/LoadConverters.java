package io.tcpecho.load;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converters of the load client's option values. */
final class LoadConverters {

    private LoadConverters() {
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (loopback). */
    static final class TargetConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
            return address(value, unbracket(value.substring(0, colon)), value.substring(colon + 1), 1, "127.0.0.1");
        }
    }

    /** A local address to connect from: {@code host}, {@code host:port}, a bare IPv6 address or {@code [v6]:port}. */
    static final class BindConverter implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            boolean hasPort = value.startsWith("[") ? colon > value.indexOf(']') : colon > 0 && colon == value.indexOf(':');
            return hasPort ? address(value, unbracket(value.substring(0, colon)), value.substring(colon + 1), 0, "0.0.0.0")
                    : address(value, unbracket(value), "0", 0, "0.0.0.0");
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static InetSocketAddress address(String value, String host, String portText, int minPort, String anyHost) {
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' has no valid port");
        }
        if (port < minPort || port > 65535) {
            throw new TypeConversionException("port " + port + " is out of range " + minPort + "-65535");
        }
        String name = host.isEmpty() ? anyHost : host;
        InetSocketAddress address = new InetSocketAddress(name, port);
        if (address.isUnresolved()) {
            throw new TypeConversionException("cannot resolve host '" + name + "'");
        }
        return address;
    }

    /** Bytes with an optional unit: 64, 64B, 4K, 4Ki, 4KiB, 32M, 32MiB, 1G (units are powers of 1024). */
    static final class SizeConverter implements ITypeConverter<Long> {
        private static final Pattern SIZE =
                Pattern.compile("(\\d+)\\s*([kmgt]?)(ib|b|i)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.trim());
            if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && !m.group(3).equalsIgnoreCase("b"))) {
                throw new TypeConversionException("'" + value + "' is not a size such as 64, 4KiB, 32MiB or 1GiB");
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
                throw new TypeConversionException("'" + value + "' is too large");
            }
        }
    }

    /** A duration in nanoseconds: 500ms, 10s, 2m, 1h; a bare number is seconds. */
    static final class DurationConverter implements ITypeConverter<Long> {
        private static final Pattern DURATION =
                Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = DURATION.matcher(value.trim());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 10s, 2m or 1h");
            }
            double number = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
            double nanos = switch (unit) {
                case "ms" -> number * 1e6;
                case "m" -> number * 60e9;
                case "h" -> number * 3600e9;
                default -> number * 1e9;
            };
            if (nanos > 365 * 24 * 3600e9) {
                throw new TypeConversionException("'" + value + "' is too long");
            }
            return (long) nanos;
        }
    }
}
