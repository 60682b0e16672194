package io.tcpecho.echo;

import java.net.BindException;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.tcpecho.config.EnvironmentVariable;

/** Why a listener could not start, as the one-line configuration error the operator needs. */
public final class ListenFailure {

    private ListenFailure() {
    }

    /**
     * @param where the address as the operator wrote it, e.g. {@code 0.0.0.0:7007/udp}
     * @param portKey the property that set the port, e.g. {@code echo.udp.port}
     */
    public static ConfigurationException of(String where, String portKey, Throwable cause) {
        return of(where, "echo.host", portKey, cause);
    }

    /**
     * @param hostKey the property that set the address: the management interface has its own
     */
    public static ConfigurationException of(String where, String hostKey, String portKey, Throwable cause) {
        String prefix = "Cannot listen on %s (%s:%s)".formatted(where, hostKey, portKey);
        if (isAddressInUse(cause)) {
            return new ConfigurationException(prefix + ": " + cause.getMessage() + "; another process holds the port, stop it or set "
                    + EnvironmentVariable.of(portKey) + " to a free port");
        }
        return new ConfigurationException(prefix + ": " + cause);
    }

    /**
     * NIO reports a port in use as a {@link BindException}; the native transports as an IOException whose errno
     * Netty does not expose (its {@code Errors} has no EADDRINUSE), so the kernel's message is all there is.
     */
    private static boolean isAddressInUse(Throwable cause) {
        return cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use");
    }
}
