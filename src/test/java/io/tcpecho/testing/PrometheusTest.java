package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The scrape reader: a series that is not there fails the test instead of reading as 0. */
class PrometheusTest {

    private static final Prometheus SCRAPE = Prometheus.parse("""
            # TYPE echo_connections_closed_total counter
            echo_connections_closed_total{reason="completed",} 3.0
            echo_connections_closed_total{reason="reset",} 0.0
            echo_connections_opened_total 3.0
            echo_udp_dropped_total{reason="service_port",} 1.0
            """);

    @Test
    void readsASeriesWrittenEitherWay() {
        assertThat(SCRAPE.value("echo_connections_closed_total{reason=\"completed\"}")).isEqualTo(3.0);
        assertThat(SCRAPE.value("echo_connections_closed_total{reason=\"reset\"}")).isZero();
        assertThat(SCRAPE.value("echo_connections_opened_total")).isEqualTo(3.0);
    }

    @Test
    void anAbsentSeriesFailsNamingTheSeriesOfItsMetricThatAreThere() {
        assertThatThrownBy(() -> SCRAPE.value("echo_connections_closed_total{reason=\"idle\"}"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no series echo_connections_closed_total{reason=\"idle\"}")
                .hasMessageContaining("echo_connections_closed_total{reason=\"completed\"}, echo_connections_closed_total{reason=\"reset\"}");
    }

    @Test
    void aRenamedMetricFailsNamingTheNearestSeries() {
        assertThatThrownBy(() -> SCRAPE.value("echo_connections_open_total"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no series echo_connections_open_total")
                .hasMessageContaining("echo_connections_opened_total")
                .hasMessageNotContaining("echo_udp");
    }

    @Test
    void onlyValueOrZeroReadsAnAbsentSeriesAsZero() {
        assertThat(SCRAPE.valueOrZero("echo_fault_actions_total{action=\"refuse\",scenario=\"refuse\"}")).isZero();
        assertThat(SCRAPE.valueOrZero("echo_connections_opened_total")).isEqualTo(3.0);
    }
}
