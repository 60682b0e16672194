package io.tcpecho.config;

/** Which TLS implementation the TLS listener uses. */
public enum TlsEngine {
    /**
     * The JDK's own TLS (JSSE): TLS 1.3's half-close works, so a client that sends close_notify and reads on gets its
     * whole echo.
     */
    JDK,
    /**
     * OpenSSL (BoringSSL, through netty-tcnative): cheaper handshakes, but Netty's OpenSSL engine closes both directions
     * when the client's close_notify arrives, so echo still in flight then is lost. Clients that end with FIN only (no
     * close_notify) are not affected. Start-up fails with the reason if its native library does not load here.
     */
    OPENSSL
}
