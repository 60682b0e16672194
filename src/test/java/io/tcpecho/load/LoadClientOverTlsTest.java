package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.TestCertificates;
import io.tcpecho.testing.TlsProfile;

/** The load client's --tls against the real TLS echo: every workload verifies every byte inside TLS. */
@QuarkusTest
@TestProfile(TlsProfile.class)
class LoadClientOverTlsTest {

    @Inject
    EchoServer server;

    private final TestCertificates certificates = TlsProfile.certificates();

    private Outcome load(String... args) {
        String[] common = { "--target", "127.0.0.1:" + server.tlsPort(), "--timeout", "5s", "--progress", "0",
                "--tls", "--tls-ca", certificates.trustFile().toString(), "--sni", "localhost" };
        String[] all = new String[args.length + common.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(common, 0, all, args.length, common.length);
        return LoadClient.run(all);
    }

    private void passes(String... args) {
        Outcome outcome = load(args);
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        assertThat(outcome.out()).contains("OK, every echoed byte verified").contains("TLS (SNI localhost)");
    }

    @Test
    void bulkWithCloseNotifyAndFin() {
        passes("bulk", "-c", "4", "-s", "4MiB");
    }

    @Test
    void pingpong() {
        passes("pingpong", "-c", "8", "-m", "100", "-d", "500ms", "-w", "100ms");
    }

    @Test
    void churnDoesAHandshakePerConnection() {
        passes("churn", "-c", "4", "-d", "500ms", "-w", "100ms");
    }

    @Test
    void idle() {
        passes("idle", "-c", "50", "--hold", "300ms");
    }

    @Test
    void floodThatDoesNotReadThenReadsEverything() {
        passes("flood", "-c", "20", "-s", "512KiB", "--hold", "500ms");
    }

    @Test
    void aServerNameTheCertificateDoesNotCoverFailsTheRun() {
        Outcome outcome = LoadClient.run("bulk", "-c", "1", "-s", "1KiB", "--target",
                "127.0.0.1:" + server.tlsPort(), "--timeout", "5s", "--progress", "0", "--tls", "--tls-ca",
                certificates.trustFile().toString(), "--sni", "elsewhere.example");
        assertThat(outcome.exit()).isNotZero();
        // Newer JDK 17 updates put the alert in the message: "(certificate_unknown) No subject alternative ...".
        assertThat(outcome.err()).contains("load: FAILED", "TLS failed (SSLHandshakeException: ",
                "No subject alternative DNS name matching elsewhere.example");
    }

    @Test
    void tlsOptionsWithoutTlsAreRefused() {
        Outcome outcome = LoadClient.run("bulk", "--tls-insecure");
        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).contains("--tls-ca, --tls-insecure, --sni, --tls-cert and --tls-key need --tls");
    }
}
