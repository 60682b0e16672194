package io.tcpecho.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.MutualTlsProfile;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.TestCertificates;

/** echo.tls.client-auth=required with the JDK's TLS; {@link MutualTlsOpenSslTest} runs the same with OpenSSL's. */
@QuarkusTest
@TestProfile(MutualTlsProfile.class)
class MutualTlsTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private final TestCertificates certificates = MutualTlsProfile.certificates();

    @Test
    void aTrustedClientCertificateIsAcceptedAndItsSubjectLogged() throws Exception {
        try (LogLines access = LogLines.of("io.tcpecho.access")) {
            try (EchoClient client = EchoClient.connectTls(server.tlsPort(), certificates.clientContext(certificates), null)) {
                byte[] payload = EchoClient.randomBytes(100_000, 1);
                client.write(payload);
                // FIN only, no close_notify: works with either engine.
                client.underlyingSocket().shutdownOutput();
                assertThat(client.readToEnd()).isEqualTo(payload);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(access.lines())
                    .anySatisfy(line -> assertThat(line).contains("client_subject=\"CN=localhost\"", "reason=completed")));
        }
    }

    @Test
    void aClientWithoutACertificateIsRejectedAndCounted() throws Exception {
        assertRejected(certificates.clientContext(null));
    }

    @Test
    void aClientCertificateTheTrustStoreDoesNotHoldIsRejectedAndCounted() throws Exception {
        TestCertificates stranger = TestCertificates.generate("mtls-stranger", "stranger");
        // Trusts the server, but presents a certificate of its own making.
        SSLContext context = certificates.clientContextPresenting(stranger);
        assertRejected(context);
    }

    private void assertRejected(SSLContext context) throws Exception {
        String series = "echo_tls_handshake_failures_total{reason=\"client_certificate\"}";
        double before = Prometheus.scrape(metrics).value(series);
        double opened = Prometheus.scrape(metrics).value("echo_connections_opened_total");
        try (LogLines log = LogLines.of("io")) {
            // TLS 1.3: the client's side of the handshake may complete before the server checked its certificate;
            // the server's alert then ends the connection at the first read or write. Either way, no echo.
            try (EchoClient client = EchoClient.connectTls(server.tlsPort(), context, null)) {
                client.write(new byte[] { 1 });
                assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
            } catch (IOException rejected) {
                // The server's alert, or a broken pipe when its close came first: the server's count below says why.
            }
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(Prometheus.scrape(metrics).value(series)).isEqualTo(before + 1));
            assertThat(log.thrown()).isEmpty();
        }
        assertThat(Prometheus.scrape(metrics).value("echo_connections_opened_total")).isEqualTo(opened);
    }
}
