package io.tcpecho.fault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The offsets at which limit-data cuts the echo and reset-after-bytes resets it, without a connection. */
class ByteLimitTest {

    @ParameterizedTest(name = "limit 10, {1} bytes at offset {0}: {2} go out")
    @CsvSource({
            "0, 4, 4",   // all before the limit
            "6, 4, 4",   // ends exactly at it
            "8, 4, 2",   // cut at it
            "10, 4, 0",  // at it: nothing more
            "12, 4, 0",  // past it: nothing, never a negative count
            "0, 0, 0" }) // an empty chunk
    void aChunkGoesOutUpToTheLimit(long offset, int bytes, int within) {
        assertThat(new ByteLimit(10).within(offset, bytes)).isEqualTo(within);
    }

    @Test
    void aChunkFarBelowALargeLimitGoesOutWhole() {
        assertThat(new ByteLimit(1L << 40).within((1L << 40) - 65536, 65536)).isEqualTo(65536);
        assertThat(new ByteLimit(1L << 40).within((1L << 40) - 100, 65536)).isEqualTo(100);
    }

    @Test
    void theLimitIsReachedOnceAtItsByte() {
        ByteLimit limit = new ByteLimit(10);
        assertThat(limit.reachedAt(0)).isFalse();
        assertThat(limit.reachedAt(9)).isFalse();
        assertThat(limit.reachedAt(10)).isTrue();
        assertThat(limit.reachedAt(10)).as("once").isFalse();
        assertThat(limit.reachedAt(11)).isFalse();
    }

    /** limit-data=0 ends the echo at its start, before any byte. */
    @Test
    void aLimitOfZeroIsReachedAtTheStart() {
        ByteLimit limit = new ByteLimit(0);
        assertThat(limit.reachedAt(0)).isTrue();
        assertThat(limit.within(0, 100)).isZero();
    }
}
