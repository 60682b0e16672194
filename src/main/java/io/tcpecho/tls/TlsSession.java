package io.tcpecho.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
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
        return new TlsSession(session.getProtocol(), session.getCipherSuite(), serverName(session, socket),
                clientSubject(session));
    }

    /**
     * The name of the client's SNI extension, as the TLS engine (JDK or OpenSSL) read it from the ClientHello; Vert.x
     * knows it too when its SNI mode chose the certificate (several certificates).
     */
    private static Optional<String> serverName(SSLSession session, NetSocket socket) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return Optional.of(host.getAsciiName());
                }
            }
        }
        return Optional.ofNullable(socket.indicatedServerName());
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
