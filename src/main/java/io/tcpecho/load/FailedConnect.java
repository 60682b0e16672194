package io.tcpecho.load;

import java.net.NoRouteToHostException;

import io.netty.channel.ConnectTimeoutException;

/** Why a connect failed, named as the report writes it; the kernel's words tell the causes apart. */
enum FailedConnect {
    REFUSED("refused"),
    TIMED_OUT("timed-out"),
    UNREACHABLE("unreachable"),
    RESET("reset"),
    /** Anything else: a name that does not resolve, no local port left. */
    OTHER("other");

    final String label;

    FailedConnect(String label) {
        this.label = label;
    }

    static FailedConnect of(Throwable cause) {
        String message = String.valueOf(cause == null ? null : cause.getMessage());
        if (cause instanceof ConnectTimeoutException || message.contains("timed out")) {
            return TIMED_OUT;
        }
        if (message.contains("Connection refused")) {
            return REFUSED;
        }
        if (cause instanceof NoRouteToHostException || message.contains("No route to host")
                || message.contains("unreachable")) {
            return UNREACHABLE;
        }
        if (message.contains("Connection reset")) {
            return RESET;
        }
        return OTHER;
    }
}
