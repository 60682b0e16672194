package io.tcpecho.load;

/** How a long-lived connection of {@code steady} ended, named as the report and the timeline write it. */
enum Ending {
    /** The server's EOF with no message in flight: nothing lost, a graceful end (a drain). */
    SERVER_FIN_BETWEEN_MESSAGES("server-fin-between-messages"),
    /** The server's EOF with a message in flight: its bytes not echoed are lost. */
    SERVER_FIN_IN_FLIGHT("server-fin-in-flight"),
    /** A reset, by the server or on the way. */
    RESET("reset"),
    /** No echo, or no identity line, for {@code --timeout}. */
    STALLED("stalled"),
    /** The run ended: the client half-closed and got the whole echo and the server's EOF. */
    CLIENT_CLOSED("client-closed");

    final String label;

    Ending(String label) {
        this.label = label;
    }

    /** Whether the connection broke: ended by the server or the network with something other than a graceful FIN. */
    boolean broken() {
        return this == SERVER_FIN_IN_FLIGHT || this == RESET || this == STALLED;
    }

    /** What the connection saw, as an ending; null for what is no disruption but a wrong echo, which fails the run. */
    static Ending of(Observed seen) {
        return switch (seen.kind()) {
            case EOF -> seen.atByte() == seen.sent() ? SERVER_FIN_BETWEEN_MESSAGES : SERVER_FIN_IN_FLIGHT;
            case RESET -> RESET;
            case STALLED -> STALLED;
            default -> null;
        };
    }
}
