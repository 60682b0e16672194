package io.tcpecho.load;

/**
 * What one connection saw the server do where an echo server must not (or where a fault port was asked to): the
 * kind, at which byte of the echo (the bytes verified before it), after how long, and the words of the report.
 *
 * @param atByte the echoed bytes verified before it happened: the offset of the fault in the stream
 * @param afterMillis since the connection was established
 * @param halfClosed whether the client had half-closed by then
 */
record Observed(Kind kind, long atByte, long sent, long afterMillis, boolean halfClosed, String detail) {

    enum Kind {
        /** RST from the server (or a write the kernel refused after it). */
        RESET,
        /** The server's FIN before the whole echo came back. */
        EOF,
        /** No echo, or no EOF after the half-close, for the timeout. */
        STALLED,
        /** An echoed byte differs from the one sent. */
        CORRUPTED,
        /** More bytes back than were sent. */
        TOO_MUCH,
        /** The server's line refusing a fault selection (a bad first line, a bad SNI label) instead of the echo. */
        SELECTION_REFUSED,
        /** TLS failed: a handshake refused, a bad record. */
        TLS,
        /** Anything else: the client's own error. */
        ERROR
    }

    /** The report: {@code reset at byte 65536 after 12 ms}, {@code EOF at byte 1024 of 4096 sent after 3 ms} ... */
    String describe() {
        String when = " after " + afterMillis + " ms";
        String detailed = detail == null || detail.isEmpty() ? "" : " (" + detail + ")";
        return switch (kind) {
            case RESET -> atByte == 0 ? "refused or reset at accept: reset before any echo" + when + detailed
                    : "reset at byte " + atByte + " of " + sent + " sent" + when + state() + detailed;
            case EOF -> atByte == 0 && afterMillis < 1000 && !halfClosed
                    ? "closed at accept: EOF before any echo" + when
                    : "EOF at byte " + atByte + " of " + sent + " sent" + when + state();
            case STALLED -> (halfClosed && atByte == sent ? "no EOF from the server" : "stalled after byte " + atByte + " of "
                    + sent + " sent") + ": nothing for " + detail + state();
            case CORRUPTED -> "corrupted at byte " + atByte + when + ": " + detail;
            case TOO_MUCH -> "the server sent " + detail + " bytes more than the client had sent (" + sent + ")";
            case SELECTION_REFUSED -> "the server refused the fault selection: " + detail;
            case TLS -> "TLS failed" + detailed + " at byte " + atByte + " of " + sent + " sent" + when + state();
            case ERROR -> "client error" + detailed + " at byte " + atByte + when;
        };
    }

    private String state() {
        return halfClosed ? " (client had half-closed)" : "";
    }
}
