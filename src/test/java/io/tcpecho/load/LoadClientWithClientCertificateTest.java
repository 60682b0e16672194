package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.MutualTlsProfile;
import io.tcpecho.testing.TestCertificates;

/** The load client's --tls-cert and --tls-key against the TLS echo with client certificates required. */
@QuarkusTest
@TestProfile(MutualTlsProfile.class)
class LoadClientWithClientCertificateTest {

    @Inject
    EchoServer server;

    private final TestCertificates certificates = MutualTlsProfile.certificates();

    private Outcome bulk(String... more) {
        String[] common = { "bulk", "-c", "2", "-s", "1MiB", "--target", "127.0.0.1:" + server.tlsPort(), "--timeout", "5s",
                "--progress", "0", "--tls", "--tls-ca", certificates.trustFile().toString(), "--sni", "localhost" };
        String[] all = new String[common.length + more.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return LoadClient.run(all);
    }

    @Test
    void withItsCertificateEveryByteComesBack() {
        Outcome outcome = bulk("--tls-cert", certificates.clientCertFile().toString(), "--tls-key",
                certificates.clientKeyFile().toString());
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
    }

    @Test
    void withoutItTheRunFails() {
        Outcome outcome = bulk();
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isEqualTo(1);
        // TLS 1.3: the client's side of the handshake completes before the server refuses it, so the client sees the close.
        assertThat(outcome.err()).contains("load: FAILED");
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() {
        Outcome outcome = bulk("--tls-cert", certificates.clientCertFile().toString());
        assertThat(outcome.exit()).isEqualTo(2);
        assertThat(outcome.err()).contains("--tls-cert and --tls-key go together");
    }
}
