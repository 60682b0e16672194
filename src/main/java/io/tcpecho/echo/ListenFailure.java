package io.tcpecho.echo;

import java.net.BindException;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.tcpecho.config.EchoConfig;

/** Why the echo listener could not start, as the one-line configuration error the operator needs. */
final class ListenFailure {

    private ListenFailure() {
    }

    static ConfigurationException of(EchoConfig config, Throwable cause) {
        String where = "Cannot listen on %s:%d (echo.host:echo.port)".formatted(config.host(), config.port());
        if (isAddressInUse(cause)) {
            return new ConfigurationException(where + ": " + cause.getMessage()
                    + "; another process holds the port, stop it or set ECHO_PORT to a free port");
        }
        return new ConfigurationException(where + ": " + cause);
    }

    /**
     * NIO reports a port in use as a {@link BindException}; the native transports as an IOException whose errno
     * Netty does not expose (its {@code Errors} has no EADDRINUSE), so the kernel's message is all there is.
     */
    private static boolean isAddressInUse(Throwable cause) {
        return cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use");
    }
}
