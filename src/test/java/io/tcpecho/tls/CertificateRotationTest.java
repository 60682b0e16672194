package io.tcpecho.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.SocketException;
import java.net.URL;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.TestCertificates;
import io.tcpecho.testing.TlsProfile;

/**
 * New certificate files, as cert-manager renews a Secret: taken without a restart, open connections unharmed. The
 * renewal stays: the same CA signed it, so that the other tests of {@link TlsProfile} trust it as they did the first.
 */
@QuarkusTest
@TestProfile(TlsProfile.class)
class CertificateRotationTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void newConnectionsGetTheNewCertificateWhileOpenOnesGoOn() throws Exception {
        TestCertificates before = TlsProfile.certificates();
        TestCertificates after = before.renewed("tls-echo-renewed", "after");
        int port = server.tlsPort();
        try (EchoClient open = EchoClient.connectTls(port, before.clientContext(null), null)) {
            open.write(new byte[] { 1 });
            assertThat(open.read(1)).containsExactly(1);

            before.replaceServerCertificateWith(after);

            // Until the reload the old certificate is served. A connection that arrives while Vert.x 4.5 builds the new
            // context is closed at once (docs/tls.md, "Renewal"): the client retries, as docs/tls.md tells clients to.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsMatching(e -> e instanceof SSLHandshakeException || e instanceof SocketException)
                    .untilAsserted(() -> {
                try (EchoClient fresh = EchoClient.connectTls(port, after.clientContext(null), null)) {
                    X509Certificate served = (X509Certificate) ((SSLSocket) fresh.socket()).getSession().getPeerCertificates()[0];
                    assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=after");
                    fresh.write(new byte[] { 2 });
                    assertThat(fresh.read(1)).containsExactly(2);
                }
            });

            // The connection opened before goes on with the session it has, to a clean end.
            byte[] payload = EchoClient.randomBytes(200_000, 9);
            open.write(payload);
            open.socket().shutdownOutput();
            assertThat(open.readToEnd()).isEqualTo(payload);
        }
        // The registry reads the files every second; only the one change counts (and reached Vert.x).
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(
                () -> Prometheus.scrape(metrics).value("echo_tls_certificate_reloads_total") == 1);
        Prometheus scrape = Prometheus.scrape(metrics);
        assertThat(scrape.value("echo_tls_certificate_not_after_seconds"))
                .isEqualTo(TestCertificates.readCertificate(after.certFile()).getNotAfter().getTime() / 1000);
    }
}
