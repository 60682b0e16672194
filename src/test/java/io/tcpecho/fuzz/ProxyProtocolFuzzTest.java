package io.tcpecho.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBufUtil;
import io.netty.util.ResourceLeakDetector;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.fuzz.ProxyHeaderCases.Case;
import io.tcpecho.fuzz.ProxyHeaderCases.Outcome;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.FuzzSeeds;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.RequiredProxyProtocolProfile;
import io.tcpecho.whoami.WhoamiServer;
import io.vertx.core.json.JsonObject;

/**
 * Thousands of seeded PROXY protocol headers, valid, broken on purpose and randomly mutated, each on a real
 * connection to {@code echo.proxy-protocol=required}: every one is used with exactly the payload echoed after it, or
 * closed unechoed and counted under the reason it deserves; nothing is logged as an error, no buffer leaks (Netty's
 * leak detector watches every buffer meanwhile), and the server echoes on afterwards. And a thousand connections of
 * each rejection, on the echo and the whoami listener, log at most one WARN per reason.
 * <p>
 * Seeded by {@link FuzzSeeds}: a fixed list by default, with every seed that ever failed kept as a regression case;
 * {@code -Dtcpecho.fuzz.seed=random} runs one seed from the clock, {@code -Dtcpecho.fuzz.seed=<n>} replays seed n.
 * {@code -Dfuzz.cases=<n>} tries n headers per seed instead of 3,000.
 */
@QuarkusTest
@TestProfile(RequiredProxyProtocolProfile.class)
class ProxyProtocolFuzzTest {

    private static final int CASES = Integer.getInteger("fuzz.cases", 3000);
    private static final int FLOOD = 1000;

    @Inject
    EchoServer server;

    @Inject
    WhoamiServer whoami;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private ResourceLeakDetector.Level leakLevel;
    private final List<String> leaks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void watchEveryBuffer() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ByteBufUtil.setLeakListener((type, records) -> leaks.add(type + records));
    }

    @AfterEach
    void restoreLeakDetection() {
        ByteBufUtil.setLeakListener(null);
        ResourceLeakDetector.setLevel(leakLevel);
    }

    static Stream<Named<Long>> seeds() {
        return FuzzSeeds.fixed(1, 2).seeds(ProxyProtocolFuzzTest.class);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyHeaderIsUsedExactlyOrRejectedForItsReason(long seed) throws Exception {
        ProxyHeaderCases generator = new ProxyHeaderCases(seed);
        Map<Outcome, List<Case>> byOutcome = generator.generate(CASES).stream()
                .collect(Collectors.groupingBy(Case::outcome, () -> new EnumMap<>(Outcome.class), Collectors.toList()));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (LogLines log = LogLines.all()) {
            for (Map.Entry<Outcome, List<Case>> batch : byOutcome.entrySet()) {
                runBatch(batch.getKey(), batch.getValue(), generator, clients, seed);
            }
            // A leak is reported once the leaked buffer has been collected, when another buffer is tracked.
            awaitCollection();
            assertEchoesOn(generator, clients, seed);
            assertThat(leaks).as("seed %d: buffers never released", seed).isEmpty();
            log.assertNoFlood(3);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * The log-flood rule on both listeners that read PROXY protocol headers: a thousand connections of each rejection
     * (missing, invalid, incomplete, timeout) are counted, logged at most once per reason, and the listener serves on.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "echo", "whoami" })
    void aThousandOfEachRejectionAreCountedAndLoggedOncePerReason(String listener) throws Exception {
        int port = listener.equals("echo") ? server.port() : whoami.port();
        byte[] missing = "hello\n".getBytes(StandardCharsets.US_ASCII);
        byte[] invalid = "PROXY TCP4 not-an-address\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] incomplete = "PROXY TCP4 203.0.113".getBytes(StandardCharsets.US_ASCII);
        Prometheus before = Prometheus.scrape(metrics);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<Socket> silent = new ArrayList<>();
        try (LogLines log = LogLines.all()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                done.add(clients.submit(() -> sendAndEnd(port, missing)));
                done.add(clients.submit(() -> sendAndEnd(port, invalid)));
                done.add(clients.submit(() -> sendAndEnd(port, incomplete)));
                silent.add(EchoClient.connect(port).socket());
            }
            for (Future<?> future : done) {
                future.get();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Prometheus after = Prometheus.scrape(metrics);
                for (String reason : List.of("missing", "invalid", "incomplete", "timeout")) {
                    assertThat(delta(before, after, rejected(reason))).as(reason).isEqualTo(FLOOD);
                }
            });
            ProxyHeaderCases cases = new ProxyHeaderCases(2);
            Case valid = cases.generate(50).stream().filter(c -> c.outcome() == Outcome.ECHO).findFirst().orElseThrow();
            try (EchoClient client = EchoClient.connect(port)) {
                client.write(valid.header());
                if (listener.equals("echo")) {
                    client.write(missing); // whoami reads nothing after the header: what it left unread would reset
                }
                client.socket().shutdownOutput();
                String answer = new String(client.readToEnd(), StandardCharsets.UTF_8);
                if (listener.equals("echo")) {
                    assertThat(answer).as("echoed after the flood").isEqualTo("hello\n");
                } else {
                    assertThat(new JsonObject(answer).getString("pod")).as("answered after the flood").isNotBlank();
                }
            }
            log.assertNoFlood(4);
        } finally {
            clients.shutdownNow();
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    private static Void sendAndEnd(int port, byte[] bytes) throws Exception {
        try (EchoClient client = EchoClient.connect(port)) {
            client.write(bytes);
            client.socket().shutdownOutput();
            readToEnd(client.socket().getInputStream());
        } catch (IOException closedFirst) {
            // the server's close may come first: its count says why
        }
        return null;
    }

    private void runBatch(Outcome expected, List<Case> cases, ProxyHeaderCases generator, ExecutorService clients, long seed)
            throws Exception {
        Prometheus before = Prometheus.scrape(metrics);
        List<Future<Outcome>> outcomes = new ArrayList<>();
        for (Case c : cases) {
            byte[] payload = generator.payload();
            outcomes.add(clients.submit(() -> run(c, payload, seed)));
        }
        int echoed = 0;
        for (int i = 0; i < cases.size(); i++) {
            Outcome seen = outcomes.get(i).get();
            assertThat(seen == Outcome.ECHO || seen == Outcome.INVALID)
                    .as("seed %d: %s: %s", seed, cases.get(i).description(), hex(cases.get(i).header()))
                    .isTrue();
            if (expected == Outcome.ECHO) {
                assertThat(seen).as("seed %d: a valid header is used: %s: %s", seed, cases.get(i).description(),
                        hex(cases.get(i).header())).isEqualTo(Outcome.ECHO);
            } else if (expected != Outcome.ANY) {
                assertThat(seen).as("seed %d: %s is rejected: %s", seed, cases.get(i).description(),
                        hex(cases.get(i).header())).isEqualTo(Outcome.INVALID);
            }
            echoed += seen == Outcome.ECHO ? 1 : 0;
        }
        int rejected = cases.size() - echoed;
        int echoConnections = echoed;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Prometheus after = Prometheus.scrape(metrics);
            assertThat(delta(before, after, "echo_connections_opened_total")).as("seed %d, %s: echo connections", seed, expected)
                    .isEqualTo(echoConnections);
            assertThat(delta(before, after, rejected("timeout"))).as("seed %d: no case waits for the timeout", seed).isZero();
            double all = delta(before, after, rejected("invalid")) + delta(before, after, rejected("missing"))
                    + delta(before, after, rejected("incomplete"));
            assertThat(all).as("seed %d, %s: rejections", seed, expected).isEqualTo(rejected);
            if (expected != Outcome.ANY && expected != Outcome.ECHO) {
                assertThat(delta(before, after, rejected(expected.name().toLowerCase())))
                        .as("seed %d: rejected as %s", seed, expected).isEqualTo(rejected);
            }
        });
    }

    /** Sends the case's header, then the payload (unless the case ends early), then FIN, and reads to the end. */
    private Outcome run(Case c, byte[] payload, long seed) throws Exception {
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.socket().setSoTimeout(10_000);
            try {
                client.write(c.truncated() ? c.header() : concat(c.header(), payload));
                client.socket().shutdownOutput();
            } catch (IOException closedWhileSending) {
                return readNothing(client) ? Outcome.INVALID : null;
            }
            byte[] echo = readToEnd(client.socket().getInputStream());
            if (echo == null || echo.length == 0) {
                return Outcome.INVALID; // closed (or reset) unechoed; the metrics tell the reason
            }
            assertThat(echo).as("seed %d: %s: the echo is exactly the payload: %s", seed, c.description(),
                    hex(c.header())).isEqualTo(payload);
            return Outcome.ECHO;
        }
    }

    /** What arrives before the server's FIN, or null when the server reset the connection. */
    private static byte[] readToEnd(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException reset) {
            return null;
        }
    }

    private static boolean readNothing(EchoClient client) {
        try {
            return client.socket().getInputStream().read() == -1;
        } catch (IOException reset) {
            return true;
        }
    }

    private void assertEchoesOn(ProxyHeaderCases generator, ExecutorService clients, long seed) throws Exception {
        List<Case> valid = new ProxyHeaderCases(1).generate(400).stream().filter(c -> c.outcome() == Outcome.ECHO).limit(50)
                .toList();
        for (Case c : valid) {
            assertThat(clients.submit(() -> run(c, generator.payload(), seed)).get()).as("the server echoes on").isEqualTo(Outcome.ECHO);
        }
    }

    /** Until a collection has cleared and enqueued a weak reference (a fresh sentinel's), as it does a leaked buffer's. */
    private static void awaitCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
            System.gc();
            return queue.poll() == sentinel;
        });
    }

    private static double delta(Prometheus before, Prometheus after, String series) {
        return after.value(series) - before.value(series);
    }

    private static String rejected(String reason) {
        return "echo_proxy_protocol_rejected_total{reason=\"" + reason + "\"}";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 256));
    }
}
