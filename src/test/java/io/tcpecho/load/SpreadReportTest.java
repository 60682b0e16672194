package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The evenness figures of {@code load spread}, on counts worked out by hand. */
class SpreadReportTest {

    @Test
    void anEvenSpreadHasNoVariationAndAPValueOfOne() {
        long[] counts = { 20, 20 };
        assertThat(SpreadReport.maxOverMin(counts)).isEqualTo(1.0);
        assertThat(SpreadReport.coefficientOfVariation(counts)).isZero();
        assertThat(SpreadReport.chiSquare(counts)).containsExactly(0.0, 1.0);
    }

    @Test
    void thirtyToTenIsUnevenBeyondChance() {
        long[] counts = { 30, 10 };
        assertThat(SpreadReport.maxOverMin(counts)).isEqualTo(3.0);
        // mean 20, population standard deviation 10
        assertThat(SpreadReport.coefficientOfVariation(counts)).isEqualTo(0.5);
        // (10² + 10²) / 20 = 10 with one degree of freedom: P(X > 10) = 0.00157
        double[] chi = SpreadReport.chiSquare(counts);
        assertThat(chi[0]).isEqualTo(10.0);
        assertThat(chi[1]).isCloseTo(0.001565, within(0.000001));
    }

    @Test
    void anExpectedPodThatAnsweredNothingCountsAsZero() {
        SpreadReport report = new SpreadReport("lb:8008", 6, 1, 3);
        report.answered("pod-a", 1000, "203.0.113.7", "v2");
        report.answered("pod-b", 1000, "203.0.113.7", "v2");
        assertThat(report.counts()).containsExactly(1, 1, 0);
        assertThat(SpreadReport.maxOverMin(report.counts())).isInfinite();
        assertThat(report.table()).contains("2 of 3 expected pods answered").doesNotContain("NaN");
    }

    @Test
    void podsOtherThanExpectedFailTheRunEitherWay() {
        SpreadReport fewer = new SpreadReport("lb:8008", 2, 1, 3);
        fewer.answered("pod-a", 1000, "203.0.113.7", "none");
        fewer.answered("pod-b", 1000, "203.0.113.7", "none");
        assertThat(fewer.failure()).isEqualTo("2 of 3 expected pods answered");
        assertThat(fewer.table()).endsWith("result     FAILED: 2 of 3 expected pods answered\n");

        SpreadReport more = new SpreadReport("lb:8008", 2, 1, 1);
        more.answered("pod-a", 1000, "203.0.113.7", "none");
        more.answered("pod-b", 1000, "203.0.113.7", "none");
        assertThat(more.failure()).isEqualTo("2 pods answered, 1 expected");

        SpreadReport both = new SpreadReport("lb:8008", 2, 1, 2);
        both.answered("pod-a", 1000, "203.0.113.7", "none");
        both.failed("no answer from lb:8008: SocketTimeoutException: Read timed out");
        assertThat(both.failure()).isEqualTo("1 connection failed, first: no answer from lb:8008: SocketTimeoutException: "
                + "Read timed out; 1 of 2 expected pods answered");
    }
}
