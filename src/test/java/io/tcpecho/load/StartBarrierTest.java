package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.tcpecho.testing.ServerProcess;

/** The start barrier's shards as threads on real loopback sockets, index 0 listening on a port of its own per test. */
class StartBarrierTest {

    /** Long enough never to end a test that passes; the tests that wait for a timeout set a short one. */
    private static final Duration PATIENT = Duration.ofSeconds(60);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private ExecutorService shards;
    private BarrierAddress address;

    @BeforeEach
    void setUp() throws Exception {
        shards = Executors.newCachedThreadPool();
        address = new BarrierAddress("127.0.0.1", ServerProcess.freePort());
    }

    @AfterEach
    void tearDown() {
        shards.shutdownNow();
    }

    private Future<BarrierStart> shard(int index, int count, Duration timeout) {
        Consumer<String> lines = log::add;
        return shards.submit(() -> StartBarrier.await(index, count, address, timeout, lines));
    }

    private static Throwable failureOf(Future<BarrierStart> shard) throws InterruptedException {
        try {
            shard.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 3, 5 })
    void everyShardIsReleasedAtTheSameAgreedInstant(int count) throws Exception {
        List<Future<BarrierStart>> running = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            running.add(shard(index, count, PATIENT));
        }
        List<BarrierStart> starts = new ArrayList<>();
        for (Future<BarrierStart> shard : running) {
            starts.add(shard.get());
        }
        long agreed = starts.get(0).agreedStartMillis();
        assertThat(starts).as("one agreed instant for all").allSatisfy(start -> {
            assertThat(start.agreedStartMillis()).isEqualTo(agreed);
            assertThat(start.startedAtMillis()).as("started at or after it").isGreaterThanOrEqualTo(agreed);
        });
        // The skew is reported, not judged: this machine is shared and its scheduler owes the threads nothing.
        long skew = starts.stream().mapToLong(BarrierStart::startedAtMillis).max().getAsLong()
                - starts.stream().mapToLong(BarrierStart::startedAtMillis).min().getAsLong();
        System.out.printf("%d shards started within %d ms of each other, %s ms after the agreed instant%n", count, skew,
                starts.stream().map(start -> String.valueOf(start.lateByMillis())).collect(Collectors.joining(", ")));
    }

    @Test
    void aShardThatNeverChecksInEndsTheWaitNamingIt() throws Exception {
        Future<BarrierStart> coordinator = shard(0, 4, Duration.ofSeconds(1));
        Future<BarrierStart> second = shard(2, 4, PATIENT);

        String missing = "index 0 waited 1s; shards 1, 3 never checked in";
        assertThat(failureOf(coordinator)).isInstanceOf(BarrierException.class).hasMessage(missing);
        assertThat(failureOf(second)).as("a shard that checked in is told why").isInstanceOf(BarrierException.class)
                .hasMessage(missing);
    }

    @Test
    void aSecondShardWithAnIndexAlreadyInIsRefusedAndTheFirstStarts() throws Exception {
        Future<BarrierStart> coordinator = shard(0, 3, PATIENT);
        awaitIndexZeroListening();
        Future<BarrierStart> one = shard(1, 3, PATIENT);
        Future<BarrierStart> sameIndex = shard(1, 3, PATIENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> one.isDone() || sameIndex.isDone());
        Future<BarrierStart> refused = one.isDone() ? one : sameIndex;
        Future<BarrierStart> admitted = refused == one ? sameIndex : one;

        assertThat(failureOf(refused)).isInstanceOf(BarrierException.class)
                .hasMessage("index 0 refused shard 1/3: shard 1 already checked in");
        Future<BarrierStart> two = shard(2, 3, PATIENT);
        long agreed = coordinator.get().agreedStartMillis();
        assertThat(admitted.get().agreedStartMillis()).isEqualTo(agreed);
        assertThat(two.get().agreedStartMillis()).isEqualTo(agreed);
    }

    private void awaitIndexZeroListening() {
        await().atMost(Duration.ofSeconds(30)).until(() -> log.stream().anyMatch(line -> line.startsWith("index 0: waiting")));
    }

    @Test
    void aConnectionThatNeverChecksInHoldsNobodyUpAndIsRefusedAtTheRelease() throws Exception {
        Future<BarrierStart> coordinator = shard(0, 2, PATIENT);
        awaitIndexZeroListening();
        try (Socket mute = new Socket("127.0.0.1", address.port())) {
            mute.setSoTimeout((int) PATIENT.toMillis());
            // Queued before shard 1's connection, so index 0 accepts it first.
            Future<BarrierStart> one = shard(1, 2, PATIENT);

            assertThat(one.get().agreedStartMillis()).isEqualTo(coordinator.get().agreedStartMillis());
            assertThat(new BufferedReader(new InputStreamReader(mute.getInputStream(), StandardCharsets.US_ASCII)).readLine())
                    .isEqualTo("refused all 2 shards have checked in");
        }
    }

    @Test
    void aShardThatLeavesBeforeTheStartMayCheckInAgain() throws Exception {
        Future<BarrierStart> coordinator = shard(0, 3, PATIENT);
        awaitIndexZeroListening();
        try (Socket restarted = new Socket("127.0.0.1", address.port())) {
            restarted.getOutputStream().write(BarrierLines.checkIn(1, 3).getBytes(StandardCharsets.US_ASCII));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> log.contains("index 0: shard 1 left before the start; waiting for it again"));

        Future<BarrierStart> one = shard(1, 3, PATIENT);
        Future<BarrierStart> two = shard(2, 3, PATIENT);
        long agreed = coordinator.get().agreedStartMillis();
        assertThat(one.get().agreedStartMillis()).isEqualTo(agreed);
        assertThat(two.get().agreedStartMillis()).isEqualTo(agreed);
    }

    @Test
    void aShardOutOfRangeOrCountingOtherShardsIsRefused() throws Exception {
        Future<BarrierStart> coordinator = shard(0, 2, PATIENT);
        awaitIndexZeroListening();
        Consumer<String> lines = log::add;

        assertThatThrownBy(() -> new BarrierParticipant(2, 2, address, PATIENT, lines).await())
                .isInstanceOf(BarrierException.class).hasMessage("index 0 refused shard 2/2: shard index 2 is out of range 1-1");
        assertThatThrownBy(() -> new BarrierParticipant(1, 3, address, PATIENT, lines).await())
                .isInstanceOf(BarrierException.class)
                .hasMessage("index 0 refused shard 1/3: shard 1/3 counts 3 shards, index 0 counts 2");
        assertThatThrownBy(() -> StartBarrier.await(2, 2, address, PATIENT, lines))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shard 2/2");

        // Neither refusal took a place: the shard that is 1 of 2 still gets in.
        assertThat(shard(1, 2, PATIENT).get().agreedStartMillis()).isEqualTo(coordinator.get().agreedStartMillis());
    }

    @Test
    void aShardThatStartsBeforeIndexZeroListensTriesAgainAndGetsThrough() throws Exception {
        Future<BarrierStart> early = shard(1, 2, PATIENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> log.contains(
                "shard 1/2: waiting for index 0 at " + address + " (Connection refused)"));

        Future<BarrierStart> coordinator = shard(0, 2, PATIENT);
        assertThat(early.get().agreedStartMillis()).isEqualTo(coordinator.get().agreedStartMillis());
        assertThat(log).as("said once, not at every try").filteredOn(line -> line.startsWith("shard 1/2")).hasSize(1);
    }

    @Test
    void aShardWhoseIndexZeroNeverListensSaysWhatItLastFound() throws Exception {
        assertThat(failureOf(shard(1, 2, Duration.ofMillis(500)))).isInstanceOf(BarrierException.class)
                .hasMessage("shard 1/2 waited 500ms for index 0 at " + address + ": Connection refused");
    }

    @Test
    void aSingleShardStartsAtOnceWithoutListening() throws Exception {
        BarrierStart start = shard(0, 1, PATIENT).get();
        assertThat(start.startedAtMillis()).isGreaterThanOrEqualTo(start.agreedStartMillis());
        assertThat(log).as("no wait to speak of").isEmpty();
    }

    @Test
    void theBarrierAddressKeepsItsHostUnresolved() {
        assertThat(BarrierAddress.parse("load-0.load:7070")).isEqualTo(new BarrierAddress("load-0.load", 7070));
        assertThat(BarrierAddress.parse("[::1]:7070")).hasToString("[::1]:7070");
        assertThatThrownBy(() -> BarrierAddress.parse("load-0.load")).hasMessage("'load-0.load' is not HOST:PORT");
        assertThatThrownBy(() -> BarrierAddress.parse("load-0.load:0"))
                .hasMessage("'load-0.load:0' needs a host and a port from 1 to 65535");
    }
}
