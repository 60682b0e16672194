package io.tcpecho.load;

import java.net.InetSocketAddress;

import io.tcpecho.config.Units;
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
        @Override
        public Long convert(String value) {
            try {
                return Units.bytes(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A duration in nanoseconds: 500ms, 10s, 2m, 1h; a bare number is seconds. */
    static final class DurationConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.duration(value).toNanos();
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
