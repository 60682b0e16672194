package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.tcpecho.fault.TimedChannel.Departure;

/**
 * Each timing fault in its {@link DelayStage}, on a clock the test moves: the millisecond at which each chunk or slice
 * of echo leaves, and its bytes. Random variations (jitter, size variation) are checked against their bounds.
 */
class TimingFaultsTest {

    private TimedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    @Nested
    class LatencyTest {

        @Test
        void eachChunkLeavesTheLatencyAfterItsWrite() throws Exception {
            channel = new TimedChannel("latency=50ms");
            channel.write("a");
            channel.advance(5);
            channel.write("b");
            channel.advance(25);
            channel.write("c");
            channel.advance(100);
            assertThat(channel.departures()).containsExactly(
                    new Departure(50, "a"), new Departure(55, "b"), new Departure(80, "c"));
        }

        /** Chunks 25 ms apart, more than twice the jitter, so that none waits for the one ahead of it. */
        @Test
        void eachChunkLeavesWithinTheJitterOfTheLatencyAndTheDelaysVary() throws Exception {
            channel = new TimedChannel("latency=50ms jitter=10ms");
            int chunks = 200;
            for (int i = 0; i < chunks; i++) {
                channel.write(String.valueOf(i));
                channel.advance(25);
            }
            channel.advance(60);
            List<Departure> departures = channel.departures();
            assertThat(departures).extracting(Departure::text).containsExactlyElementsOf(
                    IntStream.range(0, chunks).mapToObj(String::valueOf).toList());
            List<Long> delays = departures.stream().map(d -> d.atMillis() - 25L * Integer.parseInt(d.text())).toList();
            assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(40L, 60L));
            // A uniform draw: 200 of them all in one half of the range would be a jitter that does not vary.
            assertThat(delays).anySatisfy(delay -> assertThat(delay).isLessThan(45L));
            assertThat(delays).anySatisfy(delay -> assertThat(delay).isGreaterThan(55L));
        }

        /** A jitter as large as the latency may let a chunk out at once, never before its write. */
        @Test
        void aJitterAsLargeAsTheLatencyNeverMakesADelayNegative() throws Exception {
            channel = new TimedChannel("latency=10ms jitter=10ms");
            for (int i = 0; i < 100; i++) {
                channel.write(String.valueOf(i));
                channel.advance(25);
            }
            assertThat(channel.departures()).hasSize(100).allSatisfy(departure -> assertThat(
                    departure.atMillis() - 25L * Integer.parseInt(departure.text())).isBetween(0L, 20L));
        }

        /** Chunks a millisecond apart with a jitter of 20 ms: drawn delays overtake, the echo does not. */
        @Test
        void jitterNeverReordersTheEcho() throws Exception {
            channel = new TimedChannel("latency=30ms jitter=20ms");
            for (int i = 0; i < 100; i++) {
                channel.write(i + ",");
                channel.advance(1);
            }
            channel.advance(50);
            List<Departure> departures = channel.departures();
            assertThat(departures.stream().map(Departure::text).collect(Collectors.joining()))
                    .isEqualTo(IntStream.range(0, 100).mapToObj(i -> i + ",").collect(Collectors.joining()));
            assertThat(departures).extracting(Departure::atMillis).isSorted();
            assertThat(departures).allSatisfy(departure -> {
                long written = Long.parseLong(departure.text().replace(",", ""));
                // Never before its own least delay; never after the most delay of itself or of a chunk ahead.
                assertThat(departure.atMillis() - written).isBetween(10L, 50L);
            });
        }
    }

    @Nested
    class BandwidthTest {

        /** 1,000 bytes per second goes out in slices of a tenth of a second's worth: 100 bytes, 100 ms apart. */
        @Test
        void theEchoLeavesInSlicesOfATenthOfASecondsWorthAtTheRate() throws Exception {
            channel = new TimedChannel("bandwidth=1000");
            channel.write("a".repeat(250));
            channel.advance(210);
            channel.write("b".repeat(100));
            channel.advance(190);
            channel.write("c".repeat(50));
            channel.advance(100);
            assertThat(channel.departures()).containsExactly(
                    new Departure(0, "a".repeat(100)),
                    new Departure(100, "a".repeat(100)),
                    new Departure(200, "a".repeat(50)),
                    new Departure(250, "b".repeat(100)), // the link is busy with the 50 bytes until 250
                    new Departure(400, "c".repeat(50))); // and idle from 350: at once
        }

        /** Ten chunks at once: one slice per 100 ms, so that no second carries more than its rate and one slice. */
        @Test
        void chunksWrittenTogetherShareTheRate() throws Exception {
            channel = new TimedChannel("bandwidth=1000");
            for (int i = 0; i < 10; i++) {
                channel.write(String.valueOf(i).repeat(100));
            }
            channel.advance(1000);
            assertThat(channel.departures()).extracting(Departure::atMillis)
                    .containsExactly(0L, 100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L);
            assertThat(channel.departures()).extracting(Departure::text).allSatisfy(text -> assertThat(text).hasSize(100));
        }

        /** A fast rate's slices are at most 64 KiB: 6,553,600 bytes per second is 64 KiB per 10 ms. */
        @Test
        void aSliceIsAtMost64KiB() throws Exception {
            channel = new TimedChannel("bandwidth=6553600");
            channel.write("x".repeat(200 * 1024));
            channel.advance(40);
            assertThat(channel.departures()).extracting(Departure::atMillis).containsExactly(0L, 10L, 20L, 30L);
            assertThat(channel.departures()).extracting(departure -> departure.text().length())
                    .containsExactly(65536, 65536, 65536, 8192);
        }

        /** The timing faults act in order: the latency first, then the bandwidth paces what it let out. */
        @Test
        void itPacesWhatALatencyLetsOut() throws Exception {
            channel = new TimedChannel("latency=50ms bandwidth=1000");
            channel.write("a".repeat(200));
            channel.advance(200);
            assertThat(channel.departures()).containsExactly(
                    new Departure(50, "a".repeat(100)), new Departure(150, "a".repeat(100)));
        }
    }

    @Nested
    class SlicerTest {

        @Test
        void theEchoLeavesInWritesOfTheAverageSizeTheDelayApart() throws Exception {
            channel = new TimedChannel("slicer.average-size=3 slicer.delay=10ms");
            channel.write("abcdefgh");
            channel.advance(50);
            channel.write("ijk");
            channel.advance(10);
            assertThat(channel.departures()).containsExactly(
                    new Departure(0, "abc"), new Departure(10, "def"), new Departure(20, "gh"),
                    new Departure(50, "ijk"));
        }

        /** Without a delay the slices leave together, each a write of its own. */
        @Test
        void withoutADelayTheSlicesLeaveAtOnce() throws Exception {
            channel = new TimedChannel("slicer.average-size=4");
            channel.write("abcdefghij");
            assertThat(channel.departures()).containsExactly(
                    new Departure(0, "abcd"), new Departure(0, "efgh"), new Departure(0, "ij"));
        }

        /** Sizes of 10 ± 4: each slice 6 to 14 bytes but the last (what is left, 14 at most), a millisecond apart. */
        @Test
        void eachSliceIsWithinTheSizeVariationAndTheSlicesAreTheEchoInOrder() throws Exception {
            channel = new TimedChannel("slicer.average-size=10 slicer.size-variation=4 slicer.delay=1ms");
            String echo = IntStream.range(0, 300).mapToObj(i -> String.valueOf((char) ('a' + i % 26)))
                    .collect(Collectors.joining());
            channel.write(echo);
            channel.advance(100);
            List<Departure> slices = channel.departures();
            assertThat(slices.stream().map(Departure::text).collect(Collectors.joining())).isEqualTo(echo);
            assertThat(slices.subList(0, slices.size() - 1)).allSatisfy(
                    slice -> assertThat(slice.text().length()).isBetween(6, 14));
            assertThat(slices.get(slices.size() - 1).text().length()).isBetween(1, 14);
            for (int i = 0; i < slices.size(); i++) {
                assertThat(slices.get(i).atMillis()).as("slice %d", i).isEqualTo(i);
            }
            assertThat(slices.stream().map(slice -> slice.text().length()).distinct().count())
                    .as("sizes vary").isGreaterThan(1);
        }
    }

    @Nested
    class FirstByteDelayTest {

        @Test
        void onlyTheFirstChunkIsDelayedAndWhatFollowsWaitsBehindIt() throws Exception {
            channel = new TimedChannel("first-byte-delay=100ms");
            channel.write("one");
            channel.advance(10);
            channel.write("two");
            channel.advance(140);
            channel.write("three");
            assertThat(channel.departures()).containsExactly(
                    new Departure(100, "one"), new Departure(100, "two"), new Departure(150, "three"));
        }

        /** An empty write (a flush) has no first byte: the delay waits for one. */
        @Test
        void anEmptyWriteDoesNotUseTheDelayUp() throws Exception {
            channel = new TimedChannel("first-byte-delay=100ms");
            channel.write(Unpooled.EMPTY_BUFFER);
            channel.advance(10);
            channel.write("data");
            channel.advance(100);
            assertThat(channel.departures()).containsExactly(new Departure(0, ""), new Departure(110, "data"));
        }
    }
}
