package io.tcpecho.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.vertx.core.net.NetSocket;

/**
 * What a TLS connection agreed on, for the access log.
 *
 * @param serverName the name the client asked for (SNI), if it sent one
 * @param clientSubject the subject of the client's certificate, if it sent one (echo.tls.client-auth)
 */
public record TlsSession(String protocol, String cipherSuite, Optional<String> serverName, Optional<String> clientSubject) {

    /** The session of a connection whose handshake is complete. */
    public static TlsSession of(NetSocket socket) {
        SSLSession session = socket.sslSession();
        return new TlsSession(session.getProtocol(), session.getCipherSuite(),
                Optional.ofNullable(socket.indicatedServerName()), clientSubject(session));
    }

    private static Optional<String> clientSubject(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate certificate
                    ? Optional.of(certificate.getSubjectX500Principal().getName())
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException noCertificate) {
            return Optional.empty();
        }
    }
}
