package io.tcpecho.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one syntax of sizes and durations: every form it reads, what it says of one it does not (one line, naming the
 * forms it takes), and its formatters, whose every output reads back as the same value.
 */
class UnitsTest {

    private static final String NOT_A_SIZE = "' is not a size such as 64, 4KiB, 32MiB or 1GiB";
    private static final String NOT_A_DURATION = "' is not a duration such as 500ms, 10s, 2m or 1h";

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource(delimiter = '|', value = {
            "0 | 0",
            "64 | 64",
            "64B | 64",
            "64b | 64",
            "4K | 4096",
            "4k | 4096",
            "4Ki | 4096",
            "4KiB | 4096",
            "4kib | 4096",
            "4KB | 4096",
            "32M | 33554432",
            "32MiB | 33554432",
            "1G | 1073741824",
            "1GiB | 1073741824",
            "2T | 2199023255552",
            "2TiB | 2199023255552",
            "'64 KiB' | 65536",
            "' 64KiB ' | 65536",
            "8388607T | 9223370937343148032",
            "9223372036854775807 | 9223372036854775807" })
    void aSizeIsBytesWithAnOptionalUnitInPowersOf1024(String text, long bytes) {
        assertThat(Units.bytes(text)).isEqualTo(bytes);
        assertThat(new Units.SizeConverter().convert(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "", "lots", "-1", "1.5K", "64i", "64iB", "4X", "4XiB", "KiB", "4 K B", "0x40" })
    void whatIsNotASizeIsSaidWithTheFormsItCouldHaveBeen(String text) {
        assertThatThrownBy(() -> Units.bytes(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + NOT_A_SIZE);
        assertThatThrownBy(() -> new Units.SizeConverter().convert(text)).hasMessage("'" + text + NOT_A_SIZE);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "9223372036854775808", "8388608T", "9999999999999999999999KiB" })
    void aSizeTooLargeForALongIsSaidWithTheLargestThereIs(String text) {
        assertThatThrownBy(() -> Units.bytes(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is too large; a size is less than 8388608TiB");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "0 | 0B",
            "512 | 512B",
            "1024 | 1KiB",
            "1536 | 1536B",
            "65536 | 64KiB",
            "1048576 | 1MiB",
            "1073741824 | 1GiB",
            "1099511627776 | 1TiB",
            "1125899906842624 | 1024TiB",
            "9223372036854775807 | 9223372036854775807B" })
    void aSizeIsWrittenInTheLargestUnitThatDividesItAndReadsBack(long bytes, String text) {
        assertThat(Units.formatBytes(bytes)).isEqualTo(text);
        assertThat(Units.bytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} is {1} ns")
    @CsvSource(delimiter = '|', value = {
            "250us | 250000",
            "250US | 250000",
            "500ms | 500000000",
            "500MS | 500000000",
            "10s | 10000000000",
            "10S | 10000000000",
            "2m | 120000000000",
            "1h | 3600000000000",
            "10 | 10000000000",
            "1.5 | 1500000000",
            "0 | 0",
            "'10 s' | 10000000000",
            "' 10s ' | 10000000000",
            "1.5us | 1500",
            "0.0005ms | 500",
            "2.01s | 2010000000",
            "4.35ms | 4350000",
            "0.0001us | 0",
            "8760h | 31536000000000000" })
    void aDurationIsANumberAndAUnitOrSeconds(String text, long nanos) {
        assertThat(Units.duration(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "", "fast", "-1s", "1d", "1.s", ".5s", "1m30s", "PT10S", "10sec", "1ns", "1e3ms" })
    void whatIsNotADurationIsSaidWithTheFormsItCouldHaveBeen(String text) {
        assertThatThrownBy(() -> Units.duration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + NOT_A_DURATION);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = { "8761h", "8760.000000000001h", "525601m", "99999999999999999999999999s" })
    void aDurationOverAYearIsSaidWithTheLongestThereIs(String text) {
        assertThatThrownBy(() -> Units.duration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is too long; a duration is at most 8760h");
    }

    @ParameterizedTest(name = "{0} ns is {1}")
    @CsvSource(delimiter = '|', value = {
            "0 | 0s",
            "1 | 0.001us",
            "1500 | 1.5us",
            "250000 | 250us",
            "1500000 | 1500us",
            "200000000 | 200ms",
            "1500000000 | 1500ms",
            "30000000000 | 30s",
            "90000000000 | 90s",
            "120000000000 | 2m",
            "5400000000000 | 90m",
            "3600000000000 | 1h",
            "86400000000000 | 24h",
            "31536000000000000 | 8760h" })
    void aDurationIsWrittenInTheLargestUnitThatHoldsItWhole(long nanos, String text) {
        assertThat(Units.formatDuration(Duration.ofNanos(nanos))).isEqualTo(text);
        assertThat(Units.duration(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    /** The configuration's checks write negative durations (a drain timeout of -5s) and ones longer than nanos hold. */
    @Test
    void aNegativeOrVeryLongDurationIsWrittenToo() {
        assertThat(Units.formatDuration(Duration.ofSeconds(-5))).isEqualTo("-5s");
        assertThat(Units.formatDuration(Duration.ofMillis(-500))).isEqualTo("-500ms");
        assertThat(Units.formatDuration(Duration.ofDays(1_000_000))).isEqualTo("24000000h");
    }

    /** Seeded: any duration of the syntax's range, at any precision, is written so that it reads back the same. */
    @Test
    void everyDurationInRangeReadsBackAsWritten() {
        Random random = new Random(22);
        long max = TimeUnit.DAYS.toNanos(365);
        long[] precisions = { 1, 1_000, 1_000_000, 1_000_000_000, 60_000_000_000L, 3_600_000_000_000L };
        for (int i = 0; i < 10_000; i++) {
            long precision = precisions[i % precisions.length];
            Duration duration = Duration.ofNanos(random.nextLong(max / precision + 1) * precision);
            assertThat(Units.duration(Units.formatDuration(duration))).as("%s", duration).isEqualTo(duration);
        }
    }
}
