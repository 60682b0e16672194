package io.tcpecho.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.fault.Corrupt;
import io.tcpecho.fault.FaultSelection;
import io.tcpecho.fault.FaultSpec;
import io.tcpecho.fault.Latency;
import io.tcpecho.fault.LimitData;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.FuzzSeeds;
import io.tcpecho.testing.LogLines;
import io.tcpecho.testing.Prometheus;
import io.tcpecho.testing.TlsProfile;

/**
 * The fault selections an outsider writes, seeded: the command port's first line and the SNI label, mutated. The
 * grammar either reads a selection that reads back the same from its own text, or refuses it with one of its reasons,
 * never anything else; and on the real command port each mutated line is either refused with one error line (counted)
 * or applied exactly as an independent model of its faults says (truncation and corruption by byte), after which the
 * server still echoes.
 * <p>
 * Seeded by {@link FuzzSeeds}: a fixed list by default, with every seed that ever failed kept as a regression case;
 * {@code -Dtcpecho.fuzz.seed=random} runs one seed from the clock, {@code -Dtcpecho.fuzz.seed=<n>} replays seed n.
 */
@QuarkusTest
@TestProfile(TlsProfile.class)
class FaultSelectionFuzzTest {

    private static final Set<String> REASONS = Set.of("malformed", "invalid", "too_long");
    private static final String[] KEYS = { "latency", "jitter", "limit-data", "corrupt-every", "bandwidth", "slicer.delay",
            "probability", "refuse", "no-half-close", "timeout", "reset-after-bytes" };
    private static final String[] VALUES = { "0", "1", "7", "100", "1ms", "2ms", "10s", "64KiB", "1MiB", "2TiB", "0.5", "true",
            "false", "-1", "abc", "", "1e3", "99999999999999999999" };

    @Inject
    EchoServer server;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    static Stream<Named<Long>> seeds() {
        return FuzzSeeds.fixed(1, 2).seeds(FaultSelectionFuzzTest.class);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theGrammarsReadBackWhatTheyAcceptAndRefuseTheRestByReason(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 50_000; i++) {
            String line = mutate(random, commandLine(random));
            try {
                FaultSpec spec = FaultSelection.command(line);
                assertThat(FaultSelection.command("FAULT " + (spec.isEmpty() ? "" : spec.toString())))
                        .as("seed %d: '%s' reads back", seed, line).isEqualTo(spec);
            } catch (FaultSelection.Refused refused) {
                assertThat(refused.tag()).as("seed %d: '%s'", seed, line).isIn(REASONS);
            }
            String label = mutate(random, label(random)) + ".echo.example.test";
            try {
                FaultSelection.serverName(label).ifPresent(spec -> assertThat(spec.isEmpty()).isFalse());
            } catch (FaultSelection.Refused refused) {
                assertThat(refused.tag()).as("seed %d: '%s'", seed, label).isIn(REASONS);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyMutatedLineIsRefusedWithOneLineOrAppliedExactly(long seed) throws Exception {
        Random random = new Random(seed);
        Prometheus before = Prometheus.scrape(metrics);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (LogLines log = LogLines.all()) {
            List<Future<Boolean>> refusals = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String line = mutate(random, harmlessLine(random));
                if (!modelled(line)) {
                    continue; // a mutation made, say, latency=1s out of 1ms: not what this test waits for
                }
                byte[] payload = EchoClient.randomBytes(1 + random.nextInt(3000), random.nextLong());
                refusals.add(clients.submit(() -> run(line, payload, seed)));
            }
            int refused = 0;
            for (Future<Boolean> refusal : refusals) {
                refused += refusal.get() ? 1 : 0;
            }
            int expected = refused;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Prometheus after = Prometheus.scrape(metrics);
                double counted = 0;
                for (String reason : REASONS) {
                    String series = "echo_fault_selections_refused_total{reason=\"" + reason + "\",via=\"command\"}";
                    // Registered by reason at its first refusal: a reason this seed never drew has no series.
                    counted += after.valueOrZero(series) - before.valueOrZero(series);
                }
                assertThat(counted).as("seed %d: refusals counted", seed).isEqualTo(expected);
            });
            assertThat(run("FAULT", "still echoing".getBytes(StandardCharsets.US_ASCII), seed)).isFalse();
            log.assertNoFlood(REASONS.size());
        } finally {
            clients.shutdownNow();
        }
    }

    /** Sends {@code line} and the payload; returns whether the line was refused, after checking what came back. */
    private boolean run(String line, byte[] payload, long seed) throws IOException, InterruptedException {
        FaultSpec spec;
        try {
            spec = FaultSelection.command(line);
        } catch (FaultSelection.Refused refused) {
            spec = null;
        }
        try (EchoClient client = EchoClient.connect(server.commandPort())) {
            client.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            client.sendThenHalfClose(payload);
            byte[] answer = client.readToEnd();
            if (spec == null) {
                assertThat(new String(answer, StandardCharsets.US_ASCII)).as("seed %d: '%s'", seed, line)
                        .startsWith("FAULT ERROR ").endsWith("\r\n").containsOnlyOnce("\n");
                return true;
            }
            assertThat(answer).as("seed %d: '%s' applied", seed, line).isEqualTo(model(spec, payload));
            return false;
        }
    }

    /** Whether {@link #model} knows what the line does: refused, or only faults it models, with delays of a few ms. */
    private static boolean modelled(String line) {
        try {
            FaultSpec spec = FaultSelection.command(line);
            return spec.faults().stream().allMatch(Set.of("latency", "truncate", "corrupt")::contains)
                    && spec.get(Latency.LATENCY).orElse(Duration.ZERO).toMillis() <= 10;
        } catch (FaultSelection.Refused refused) {
            return true;
        }
    }

    /** What an echo with these faults returns, computed on its own: cut at limit-data, a bit flipped every N bytes. */
    private static byte[] model(FaultSpec spec, byte[] payload) {
        long limit = spec.get(LimitData.LIMIT_DATA).orElse(Long.MAX_VALUE);
        byte[] echo = Arrays.copyOf(payload, (int) Math.min(payload.length, limit));
        long every = spec.get(Corrupt.CORRUPT_EVERY).orElse(0L);
        for (long at = every - 1; every > 0 && at < echo.length; at += every) {
            echo[(int) at] ^= 1;
        }
        return echo;
    }

    /** Lines of faults whose effect on the bytes {@link #model} knows (and short latencies). */
    private static String harmlessLine(Random random) {
        StringBuilder line = new StringBuilder("FAULT");
        for (int n = random.nextInt(4); n > 0; n--) {
            line.append(switch (random.nextInt(4)) {
                case 0 -> " latency=" + random.nextInt(3) + "ms";
                case 1 -> " limit-data=" + random.nextInt(4000);
                case 2 -> " corrupt-every=" + (1 + random.nextInt(1000));
                default -> " jitter=" + random.nextInt(2) + "ms";
            });
        }
        return line.toString();
    }

    private static String commandLine(Random random) {
        StringBuilder line = new StringBuilder("FAULT");
        for (int n = random.nextInt(5); n > 0; n--) {
            line.append(' ').append(KEYS[random.nextInt(KEYS.length)]);
            // A key alone is a flag's (refuse, no-half-close) short form; for the others it lacks its value.
            if (random.nextInt(4) > 0) {
                line.append('=').append(VALUES[random.nextInt(VALUES.length)]);
            }
        }
        return line.toString();
    }

    private static String label(Random random) {
        StringBuilder label = new StringBuilder();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            String key = KEYS[random.nextInt(KEYS.length)].replace('.', '-');
            label.append(label.length() == 0 ? "" : "-").append(key);
            if (!key.equals("refuse") && !key.equals("no-half-close")) {
                label.append('-').append(random.nextBoolean() ? "1ms" : random.nextBoolean() ? "64kib" : "50pct");
            }
        }
        return label.toString();
    }

    /** Up to three edits: a character replaced, inserted or deleted; sometimes none. */
    private static String mutate(Random random, String text) {
        StringBuilder mutated = new StringBuilder(text);
        for (int edits = random.nextInt(4); edits > 0 && mutated.length() > 0; edits--) {
            int at = random.nextInt(mutated.length());
            char c = (char) (random.nextInt(4) == 0 ? random.nextInt(256) : " =-.abclmst0123456789"
                    .charAt(random.nextInt(21)));
            switch (random.nextInt(3)) {
                case 0 -> mutated.setCharAt(at, c);
                case 1 -> mutated.insert(at, c);
                default -> mutated.deleteCharAt(at);
            }
        }
        return mutated.toString().replace("\n", "").replace("\r", "");
    }
}
