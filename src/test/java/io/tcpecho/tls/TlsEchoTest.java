package io.tcpecho.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.NonReadingClient;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.TestCertificates;
import io.tcpecho.testing.TlsProfile;

/** The echo over TLS, end to end on loopback: the same contract as plain TCP, inside TLS. */
@QuarkusTest
@TestProfile(TlsProfile.class)
class TlsEchoTest {

    private static final int MIB = 1024 * 1024;

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private final TestCertificates certificates = TlsProfile.certificates();

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = { 1, 100, 16_384, 16_385, 65_537, 1_000_003, 32 * MIB })
    void payloadComesBackByteExactThenCloseNotifyAndEof(int size) throws Exception {
        byte[] payload = EchoClient.randomBytes(size, size);
        double completedBefore = scrape().value(Prometheus.closed("completed"));
        try (EchoClient client = EchoClient.connectTls(server.tlsPort(), clientContext(), null)) {
            // SSLSocket.shutdownOutput sends close_notify, then FIN: TLS 1.3's half-close.
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            byte[] echoed = client.readToEnd();
            sent.get(60, TimeUnit.SECONDS);
            assertSameBytes(echoed, payload);
            assertThat(((SSLSocket) client.socket()).getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat(scrape().value(Prometheus.closed("completed"))).isEqualTo(completedBefore + 1));
    }

    @Test
    void slowReaderGets32MiBByteExact() throws Exception {
        byte[] payload = EchoClient.randomBytes(32 * MIB, 7);
        try (EchoClient client = EchoClient.connectTls(server.tlsPort(), clientContext(), null)) {
            CompletableFuture<Void> sent = client.sendThenHalfClose(payload);
            // Reads 16 KiB (one TLS record) per millisecond at most: the server's queue fills and it stops reading.
            byte[] echoed = client.readToEnd(16 * 1024, Duration.ofMillis(1));
            sent.get(60, TimeUnit.SECONDS);
            assertSameBytes(echoed, payload);
        }
    }

    @Test
    void aTlsClientThatDoesNotReadStallsTheServerInsteadOfGrowingIt() throws Exception {
        try (EchoClient client = EchoClient.connectTls(server.tlsPort(), clientContext(), null)) {
            client.socket().setReceiveBufferSize(64 * 1024);
            double receivedBefore = scrape().value("echo_bytes_received_total");
            long stalledAt = NonReadingClient.writeUntilStalled(client);
            // Inside TLS too the server stops reading while its echo is queued: megabytes, not the GiB tried.
            assertThat(stalledAt).isLessThan(64L * MIB);
            assertThat(scrape().value("echo_bytes_received_total") - receivedBefore).isLessThan(32.0 * MIB);
            assertThat(scrape().value("echo_memory_held_bytes")).isLessThan(4.0 * MIB);
            // The writer blocks inside SSLSocket holding its write lock, which close() would wait for: end TCP first.
            client.underlyingSocket().close();
        }
    }

    @Test
    void finWithoutCloseNotifyAlsoEndsTheInput() throws Exception {
        byte[] payload = EchoClient.randomBytes(300_000, 3);
        try (EchoClient client = EchoClient.connectTls(server.tlsPort(), clientContext(), null)) {
            client.write(payload);
            // FIN from the TCP socket under TLS: no close_notify, as a client that just exits.
            client.underlyingSocket().shutdownOutput();
            assertSameBytes(client.readToEnd(), payload);
        }
    }

    @Test
    void sniAndProtocolAreRecordedInTheAccessLogAndMetrics() throws Exception {
        // Registered by protocol at its first handshake: absent when this test runs first.
        double handshakesBefore = scrape().valueOrZero("echo_tls_handshakes_total{protocol=\"TLSv1.3\"}");
        try (LogLines access = LogLines.of("io.tcpecho.access")) {
            try (EchoClient client = EchoClient.connectTls(server.tlsPort(), clientContext(), "echo.example.test")) {
                client.write(new byte[] { 1, 2, 3 });
                assertThat(client.read(3)).containsExactly(1, 2, 3);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(access.lines())
                    .anySatisfy(line -> assertThat(line).contains("tls=TLSv1.3", "sni=echo.example.test", "client_subject=-",
                            "received=3", "sent=3")));
        }
        assertThat(scrape().value("echo_tls_handshakes_total{protocol=\"TLSv1.3\"}")).isEqualTo(handshakesBefore + 1);
        assertThat(scrape().value("echo_tls_certificate_not_after_seconds"))
                .isEqualTo(TestCertificates.readCertificate(certificates.certFile()).getNotAfter().getTime() / 1000);
    }

    @Test
    void plainTcpOnTheTlsPortIsClosedAndCountedWithoutAStackTrace() throws Exception {
        double before = scrape().value("echo_tls_handshake_failures_total{reason=\"not_tls\"}");
        try (LogLines log = LogLines.of("io"); EchoClient client = EchoClient.connect(server.tlsPort())) {
            client.write("hello, plain text\n".getBytes());
            InputStream in = client.socket().getInputStream();
            // Netty may answer with a TLS alert before it closes; what matters is that it closes, and no echo comes.
            byte[] answer = in.readAllBytes();
            assertThat(new String(answer)).doesNotContain("hello");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    scrape().value("echo_tls_handshake_failures_total{reason=\"not_tls\"}")).isEqualTo(before + 1));
            assertThat(log.thrown()).isEmpty();
        }
        // And the listener serves the next client.
        try (EchoClient client = EchoClient.connectTls(server.tlsPort(), clientContext(), null)) {
            client.write(new byte[] { 42 });
            assertThat(client.read(1)).containsExactly(42);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsItsHandshake() {
        String failed = "echo_tls_handshake_failures_total{reason=\"failed\"}";
        double before = scrape().value(failed);
        SSLContext strangers = TestCertificates.generate("tls-echo-stranger", "stranger").clientContext(null);
        assertThatThrownBy(() -> EchoClient.connectTls(server.tlsPort(), strangers, null).close())
                .isInstanceOf(SSLHandshakeException.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().value(failed)).isEqualTo(before + 1));
    }

    @Test
    void closeNotifyAloneEndsTheInputAndTheClientReadsOnToTheServersCloseNotify() throws Exception {
        byte[] payload = EchoClient.randomBytes(500_000, 5);
        // Netty's client: it can send close_notify and keep its TCP side open, which SSLSocket cannot.
        assertSameBytes(CloseNotifyClient.echo(server.tlsPort(), certificates.trustFile(), payload), payload);
    }

    @Test
    void thePlainListenerStillEchoesInTheClear() throws Exception {
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(new byte[] { 9, 8, 7 });
            assertThat(client.read(3)).containsExactly(9, 8, 7);
        }
    }

    /** Without printing megabytes of bytes when they differ. */
    private static void assertSameBytes(byte[] echoed, byte[] payload) {
        assertThat(echoed.length).as("bytes echoed").isEqualTo(payload.length);
        assertThat(Arrays.mismatch(echoed, payload)).as("first byte that differs").isEqualTo(-1);
    }

    private SSLContext clientContext() {
        return certificates.clientContext(null);
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }
}
