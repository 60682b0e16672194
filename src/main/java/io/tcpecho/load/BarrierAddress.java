package io.tcpecho.load;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Where the shards meet before they start: index 0's host name and the port it listens on. The name is not resolved
 * here: in a Job it names a pod that may not exist yet, and the participants look it up again until it does.
 */
record BarrierAddress(String host, int port) {

    /** {@code host:port} or {@code [v6]:port}. */
    static BarrierAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid port");
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' needs a host and a port from 1 to 65535");
        }
        return new BarrierAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The picocli converter of {@code --barrier HOST:PORT}. */
    static final class Converter implements ITypeConverter<BarrierAddress> {
        @Override
        public BarrierAddress convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
