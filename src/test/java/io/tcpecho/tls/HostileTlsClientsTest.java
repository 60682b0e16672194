package io.tcpecho.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.TestCertificates;
import io.tcpecho.testing.MutualTlsProfile;

/**
 * What hostile or broken TLS clients do, with TLS 1.2 allowed: renegotiation is refused (each would cost the server a
 * full handshake), and a thousand connections of each kind of failure (a few hundred of those that cost full handshakes) are
 * counted by reason with at most one WARN per reason, no ERROR and no stack trace, while a good client is served. {@link HostileTlsClientsOpenSslTest} runs the same
 * on OpenSSL.
 */
@QuarkusTest
@TestProfile(MutualTlsProfile.class)
class HostileTlsClientsTest {

    static final int FLOOD = 1000;
    /**
     * Failures that cost a full handshake on both sides each (about 8 ms of CPU here): fewer of them, since what is
     * logged once is decided per reason, not per count.
     */
    static final int HANDSHAKE_FLOOD = 300;
    static final int PLAIN_THEN_FIN = 500;

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    /** Client certificates required: a stranger's is refused (a JDK client does not even send one its CA did not sign). */
    private final TestCertificates certificates = MutualTlsProfile.certificates();
    /**
     * One context for every good client: it resumes its TLS 1.2 session, so that a thousand renegotiations cost the
     * server a thousand refusals, not a thousand full handshakes as well.
     */
    private final SSLContext trusted = certificates.clientContext(certificates);

    @Test
    void aClientInitiatedRenegotiationIsRefusedAndTheConnectionClosed() throws Exception {
        Prometheus before = scrape();
        try (SSLSocket client = tls12()) {
            client.getOutputStream().write("before\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.getInputStream().readNBytes(7)).as("echoed before").isEqualTo("before\n".getBytes());
            assertThatThrownBy(() -> {
                client.startHandshake();
                client.getOutputStream().write(1);
                client.getInputStream().read();
            }).as("the renegotiation is refused").isInstanceOf(SSLException.class);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Prometheus after = scrape();
            assertThat(delta(before, after, failures("renegotiation"))).isEqualTo(1);
            assertThat(delta(before, after, Prometheus.closed("protocol_error"))).isEqualTo(1);
        });
    }

    @Test
    void aThousandOfEachFailureAreCountedAndLoggedOncePerReason() throws Exception {
        SSLContext stranger = certificates.clientContextPresenting(TestCertificates.generate("tls-stranger", "stranger"));
        byte[] notTls = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        // A handshake record whose ClientHello is cut to nothing: TLS, but broken.
        byte[] brokenHello = { 0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00 };
        Prometheus before = scrape();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (LogLines log = LogLines.all()) {
            List<Future<?>> done = new ArrayList<>();
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                done.add(clients.submit(plain(notTls)));
                done.add(clients.submit(plain(brokenHello)));
                if (i < HANDSHAKE_FLOOD) {
                    done.add(clients.submit(() -> renegotiate()));
                    done.add(clients.submit(() -> presentCertificate(stranger)));
                }
                silent.add(connect());
            }
            for (Future<?> future : done) {
                future.get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Prometheus after = scrape();
                String seen = after.describe("echo_tls_handshake_failures");
                assertThat(delta(before, after, failures("not_tls"))).as("plain TCP: " + seen).isEqualTo(FLOOD);
                assertThat(delta(before, after, failures("failed"))).as("a broken ClientHello: " + seen).isEqualTo(FLOOD);
                assertThat(delta(before, after, failures("renegotiation"))).as("renegotiations: " + seen)
                        .isEqualTo(HANDSHAKE_FLOOD);
                assertThat(delta(before, after, failures("client_certificate"))).as("strangers: " + seen)
                        .isEqualTo(HANDSHAKE_FLOOD);
                assertThat(delta(before, after, failures("timeout"))).as("silent clients: " + seen).isEqualTo(FLOOD);
            });
            for (Socket socket : silent) {
                socket.close();
            }
            try (EchoClient good = EchoClient.connectTls(server.tlsPort(), trusted, null)) {
                good.write(new byte[] { 7 });
                assertThat(good.read(1)).as("a good client is served").containsExactly(7);
            }
            log.assertNoFlood(5);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Plain text and the FIN in one go, as {@code printf 'GET / ...' | nc -N} sends them: the FIN used to race Vert.x's
     * SNI lookup, and the lost race was neither counted nor quiet (a WARN with Netty's stack trace per connection).
     */
    @Test
    void plainTextFollowedAtOnceByFinIsCountedEveryTimeAndLoggedOnce() throws Exception {
        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Prometheus before = scrape();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (LogLines log = LogLines.all()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < PLAIN_THEN_FIN; i++) {
                done.add(clients.submit(() -> {
                    try (Socket socket = connect()) {
                        socket.getOutputStream().write(request);
                        socket.shutdownOutput();
                        socket.getInputStream().readAllBytes();
                    } catch (IOException reset) {
                        // the server's close may come as a reset: its count says why
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Prometheus after = scrape();
                assertThat(delta(before, after, failures("not_tls"))).as(after.describe("echo_tls_handshake_failures"))
                        .isEqualTo(PLAIN_THEN_FIN);
            });
            log.assertNoFlood(1);
        } finally {
            clients.shutdownNow();
        }
    }

    private Callable<Void> plain(byte[] bytes) {
        return () -> {
            try (Socket socket = connect()) {
                socket.getOutputStream().write(bytes);
                socket.getInputStream().readAllBytes();
            } catch (IOException reset) {
                // the server's close may come as a reset: its count says why
            }
            return null;
        };
    }

    private Void renegotiate() throws IOException {
        try (SSLSocket client = tls12()) {
            client.getOutputStream().write(1);
            client.getInputStream().read();
            client.startHandshake();
            client.getOutputStream().write(2);
            client.getInputStream().read();
        } catch (SSLException refused) {
            // expected: the server's alert
        }
        return null;
    }

    private Void presentCertificate(SSLContext context) {
        try (EchoClient client = EchoClient.connectTls(server.tlsPort(), context, null)) {
            client.write(new byte[] { 1 });
            client.socket().getInputStream().read();
        } catch (IOException refused) {
            // the server's alert, or a broken pipe when its close came first
        }
        return null;
    }

    /** A TLS 1.2 connection, handshake done: 1.2 is the last version that has renegotiation. */
    private SSLSocket tls12() throws IOException {
        Socket plain = connect();
        SSLSocket socket = (SSLSocket) trusted.getSocketFactory()
                .createSocket(plain, EchoClient.HOST, server.tlsPort(), true);
        socket.setEnabledProtocols(new String[] { "TLSv1.2" });
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(EchoClient.HOST, server.tlsPort()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }

    private static double delta(Prometheus before, Prometheus after, String series) {
        return after.value(series) - before.value(series);
    }

    private static String failures(String reason) {
        return "echo_tls_handshake_failures_total{reason=\"" + reason + "\"}";
    }
}
