package io.tcpecho.tls;

import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/** Why a connection to the TLS listener was closed by its TLS: before its echo could start, or by a renegotiation. */
public enum HandshakeFailure {
    /** Its first bytes are not a TLS record: a plain TCP client on the TLS port. */
    NOT_TLS("not_tls", "the client does not speak TLS (plain TCP on the TLS port?)"),
    /** Its certificate was missing, or not signed by the trust store's CA (echo.tls.client-auth). */
    CLIENT_CERTIFICATE("client_certificate", "the client's certificate is missing or not trusted (echo.tls.client-auth)"),
    /**
     * A TLS 1.2 client asked for another handshake on an established connection: refused, as nginx, HAProxy and Envoy
     * refuse it, since each would cost the server a full handshake (the renegotiation CPU-exhaustion attack). The
     * connection is closed, echo and all.
     */
    RENEGOTIATION("renegotiation", "the client tried to renegotiate, which is refused (each would cost a full handshake)"),
    /** No complete handshake within quarkus.tls.NAME.handshake-timeout. */
    TIMEOUT("timeout", "no complete TLS handshake within quarkus.tls.<name>.handshake-timeout"),
    /** Anything else: no common protocol or cipher, a closed connection, a malformed message. */
    FAILED("failed", "the TLS handshake failed");

    private final String tag;
    private final String description;
    /** Each reason is logged once per process, then only counted: a scanner must not flood the log. */
    private final AtomicBoolean logged = new AtomicBoolean();

    HandshakeFailure(String tag, String description) {
        this.tag = tag;
        this.description = description;
    }

    public String tag() {
        return tag;
    }

    String description() {
        return description;
    }

    boolean firstTime() {
        return logged.compareAndSet(false, true);
    }

    /**
     * The reason behind what the TLS engine reported. The JDK reports a client certificate problem as a
     * CertificateException in the chain or "Empty client certificate chain", OpenSSL by its error names
     * (PEER_DID_NOT_RETURN_A_CERTIFICATE, CERTIFICATE_VERIFY_FAILED). A refused renegotiation reads "Client initiated
     * renegotiation is not allowed" on the JDK, "remote-initiated renegotiation not allowed" or NO_RENEGOTIATION on OpenSSL.
     */
    static HandshakeFailure of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotSslRecordException) {
                return NOT_TLS;
            }
            if (cause instanceof SslHandshakeTimeoutException) {
                return TIMEOUT;
            }
            String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("renegotiat")) {
                return RENEGOTIATION;
            }
            if (cause instanceof CertificateException || message.contains("client certificate")
                    || message.contains("peer_did_not_return_a_certificate") || message.contains("certificate_verify_failed")) {
                return CLIENT_CERTIFICATE;
            }
        }
        return FAILED;
    }
}
