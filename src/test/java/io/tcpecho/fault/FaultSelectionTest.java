package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.TestCertificates;
import io.tcpecho.testing.TlsProfile;

/**
 * Faults a client picks for its own connection: by its first line on the command port, or by the first label of its
 * TLS server name (echo.tls.faults-by-sni). A selection that does not parse gets one line of error back and a close,
 * counted by reason and logged once, with no stack trace.
 */
@QuarkusTest
@TestProfile(TlsProfile.class)
class FaultSelectionTest {

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private final TestCertificates certificates = TlsProfile.certificates();

    @Test
    void theFirstLinePicksTheFaultsOfWhatFollows() throws Exception {
        byte[] payload = EchoClient.randomBytes(4096, 1);
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            client.write("FAULT limit-data=1KiB\r\n".getBytes(StandardCharsets.US_ASCII));
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).as("the line is no echo; the rest is, up to the limit")
                    .isEqualTo(Arrays.copyOf(payload, 1024));
        }
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            long start = System.nanoTime();
            client.write("FAULT latency=200ms\nping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.read(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        }
    }

    @Test
    void faultAloneIsThePlainEcho() throws Exception {
        byte[] payload = EchoClient.randomBytes(100_000, 2);
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            client.write("FAULT\r\n".getBytes(StandardCharsets.US_ASCII));
            client.sendThenHalfClose(payload);
            assertThat(client.readToEnd()).isEqualTo(payload);
        }
    }

    /** The grammar of a server name's label, where a flag is its key alone, holds on the command line too. */
    @Test
    void aFlagStandsAloneAsInAServerName() throws Exception {
        assertThat(FaultSelection.command("FAULT refuse")).isEqualTo(FaultSelection.command("FAULT refuse=true"))
                .isEqualTo(FaultSelection.serverName("refuse.echo.example.test").orElseThrow());
        assertThat(FaultSelection.command("FAULT no-half-close latency=1ms"))
                .isEqualTo(FaultSelection.command("FAULT no-half-close=true latency=1ms"));
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            client.write("FAULT refuse\r\n*".getBytes(StandardCharsets.US_ASCII));
            client.socket().shutdownOutput();
            assertThatThrownBy(() -> client.socket().getInputStream().readAllBytes()).as("reset, nothing echoed")
                    .isInstanceOf(IOException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "HELLO|malformed|the first line must be FAULT followed by faults, e.g. FAULT latency=200ms",
            "FAULT latency|malformed|latency needs a value, as in latency=200ms; only the flags no-half-close and refuse"
                    + " stand alone",
            "FAULT latncy=200ms|malformed|'latncy' is not a fault; the faults are latency, jitter",
            "FAULT refuse latency=1s|invalid|refuse combines with probability only",
            "FAULT latency=fast|invalid|latency='fast' is not a duration such as 500ms",
            "FAULT limit-data=2TiB|invalid|limit-data=2TiB is out of range; allowed: 0B to 1TiB",
            "FAULT refuse=true latency=1s|invalid|refuse combines with probability only",
            "FAULT jitter=50ms|invalid|jitter=50ms is more than latency=0s" })
    void aBadLineGetsOneLineOfErrorBackAndAClose(String line, String reason, String message) throws Exception {
        String series = "echo_fault_selections_refused_total{reason=\"" + reason + "\",via=\"command\"}";
        double before = scrape().valueOrZero(series); // registered at the first refusal of its kind
        try (LogLines log = LogLines.all(); EchoClient client = EchoClient.connect(server.commandPort())) {
            client.write((line + "\r\nthis is not echoed\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(client.readToEnd(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("FAULT ERROR " + reason + ": ").contains(message).endsWith("\r\n")
                    .containsOnlyOnce("\n").doesNotContain("not echoed");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().value(series)).isEqualTo(before + 1));
            assertThat(log.thrown()).isEmpty();
        }
    }

    /**
     * A connection that has not reached its echo is open too, and counted as such: while its line is awaited, and while
     * a refused one lingers for a client that never sends its FIN; both end in bounded time (the command timeout, the
     * 2 s linger), and the count with them.
     */
    @Test
    void connectionsNotEchoingYetAreCountedUntilTheyEndWhichTheyDoInBoundedTime() throws Exception {
        String opening = "echo_connections_opening";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape().value(opening)).isZero());
        try (EchoClient silent = EchoClient.connect(server.commandPort())) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().value(opening)).isEqualTo(1));
            assertThat(new String(silent.readToEnd(), StandardCharsets.US_ASCII)).as("the command timeout's refusal")
                    .startsWith("FAULT ERROR timeout");
            // Refused, the connection lingers for the client's FIN, which this client never sends: closed 2 s later.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape().value(opening)).isZero());
        }
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            client.write("FAULT\n".getBytes(StandardCharsets.US_ASCII));
            client.write(new byte[] { 42 });
            assertThat(client.read(1)).containsExactly(42);
            assertThat(scrape().value(opening)).as("echoing: counted as an echo connection instead").isZero();
        }
    }

    @Test
    void aLineTooLongLateOrCutShortIsRefusedToo() throws Exception {
        assertRefused("too_long", client -> client.write(("FAULT latency=1ms " + "x".repeat(2000)).getBytes()));
        assertRefused("timeout", client -> { });
        assertRefused("incomplete", client -> {
            client.write("FAULT latency=1".getBytes());
            client.socket().shutdownOutput();
        });
    }

    @Test
    void aServerNamesFirstLabelPicksTheFaults() throws Exception {
        Outcome truncated = sni("limit-data-1kib.echo.example.test", "bulk", "-s", "100KiB", "--expect", "limit-data=1KiB");
        assertThat(truncated.exit()).as(truncated.err()).isZero();
        Outcome combined = sni("latency-50ms-reset-after-bytes-64kib.echo.example.test", "bulk", "-s", "1MiB",
                "--expect", "reset-after-bytes=64KiB");
        assertThat(combined.exit()).as(combined.err()).isZero();
        Outcome plain = sni("echo.example.test", "bulk", "-s", "1MiB");
        assertThat(plain.exit()).as("a first label that names no fault: the plain echo; " + plain.err()).isZero();
        try (LogLines access = LogLines.of("io.tcpecho.access")) {
            Outcome logged = sni("limit-data-10.echo.example.test", "bulk", "-s", "1KiB", "--expect", "limit-data=10");
            assertThat(logged.exit()).as(logged.err()).isZero();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(access.lines()).anySatisfy(line ->
                    assertThat(line).contains("sni=limit-data-10.echo.example.test", "scenario=sni",
                            "faults=\"limit-data=10B\"", "sent=10")));
        }
    }

    @Test
    void aServerNameThatDoesNotParseIsRefusedWithItsReasonInsideTls() throws Exception {
        String series = "echo_fault_selections_refused_total{reason=\"invalid\",via=\"sni\"}";
        double before = scrape().valueOrZero(series); // registered at the first refusal of its kind
        try (LogLines log = LogLines.all();
                EchoClient client = EchoClient.connectTls(server.tlsPort(), certificates.clientContext(null),
                        "latency-fast.echo.example.test")) {
            String answer = new String(client.readToEnd(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("FAULT ERROR invalid: latency='fast' is not a duration such as 500ms, 10s, 2m or 1h\r\n");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().value(series)).isEqualTo(before + 1));
            assertThat(log.thrown()).isEmpty();
        }
    }

    @Test
    void theLoadClientReportsARefusalAsTheServersReasonNotAsACorruptedEcho() {
        Outcome badLabel = sni("latency-fast.echo.example.test", "bulk", "-s", "1KiB");
        assertThat(badLabel.exit()).isEqualTo(1);
        assertThat(badLabel.err()).contains("load: FAILED: connection 0: the server refused the fault selection: FAULT ERROR "
                + "invalid: latency='fast' is not a duration such as 500ms, 10s, 2m or 1h\n").doesNotContain("corrupted");

        // The load client sends no FAULT line: its stream's first line is refused, with a line longer than the 16 bytes
        // pingpong has sent.
        for (Outcome notALine : List.of(load(server.commandPort(), "bulk", "-s", "4KiB"),
                load(server.commandPort(), "pingpong", "-c", "1", "-m", "16", "-w", "0s", "-d", "1s"))) {
            assertThat(notALine.exit()).isEqualTo(1);
            assertThat(notALine.err()).contains("load: FAILED: connection 0: the server refused the fault selection: "
                    + "FAULT ERROR malformed: the FAULT line holds a byte that is not printable ASCII\n")
                    .doesNotContain("corrupted", "more than the client had sent");
        }
    }

    private Outcome sni(String serverName, String... workload) {
        return load(server.tlsPort(), concat(workload, "--tls", "--tls-insecure", "--sni", serverName));
    }

    private static Outcome load(int port, String... workload) {
        return LoadClient.run(concat(workload, "--target", "127.0.0.1:" + port, "--timeout", "5s", "--progress", "0"));
    }

    private static String[] concat(String[] first, String... then) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(then));
        return all.toArray(String[]::new);
    }

    @FunctionalInterface
    private interface Step {
        void run(EchoClient client) throws IOException;
    }

    private void assertRefused(String reason, Step step) throws Exception {
        String series = "echo_fault_selections_refused_total{reason=\"" + reason + "\",via=\"command\"}";
        double before = scrape().valueOrZero(series); // registered at the first refusal of its kind
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            step.run(client);
            String answer = new String(client.readToEnd(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("FAULT ERROR " + reason + ": ");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(scrape().value(series)).isEqualTo(before + 1));
    }

    private Prometheus scrape() {
        return Prometheus.scrape(metrics);
    }
}
