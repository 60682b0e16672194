package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tcpecho.deploy.Chart.Rendering;

/**
 * What the chart gives an operator beside the workload: the Grafana dashboard's ConfigMap, the PrometheusRule, JSON
 * logs, and Gateway API routes. The rules themselves are proven by promtool in {@link PrometheusRulesTest}, the
 * dashboard's queries against a real Prometheus in {@link PrometheusIT}.
 */
class OperationsChartTest {

    @Test
    void noneOfItByDefault() {
        Rendering r = Chart.render("");
        assertThat(r.ofKind("ConfigMap")).isEmpty();
        assertThat(r.ofKind("PrometheusRule")).isEmpty();
        assertThat(r.ofKind("TCPRoute")).isEmpty();
        assertThat(r.env("QUARKUS_LOG_CONSOLE_JSON_ENABLED")).isEqualTo("false");
    }

    @Test
    void theDashboardIsABareGrafanaDashboardInAConfigMapTheSidecarLoads() throws IOException {
        Rendering r = Chart.render("""
                dashboard: {enabled: true, namespace: monitoring, annotations: {grafana_folder: Networking}, labels: {team: net}}
                """);
        JsonNode map = r.get("ConfigMap", "tcp-echo-dashboard");
        assertThat(map.at("/metadata/namespace").asText()).isEqualTo("monitoring");
        assertThat(map.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(map.at("/metadata/labels/team").asText()).isEqualTo("net");
        assertThat(map.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("Networking");
        JsonNode dashboard = new ObjectMapper().readTree(map.at("/data/tcp-echo.json").asText());
        assertThat(dashboard.has("dashboard")).as("the bare dashboard, no wrapper").isFalse();
        assertThat(dashboard.path("uid").asText()).isEqualTo("tcp-echo");
        assertThat(dashboard.path("title").asText()).isNotBlank();
        List<String> variables = new ArrayList<>();
        dashboard.at("/templating/list").forEach(variable -> variables.add(variable.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "namespace", "pod");
        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> {
            exprs.add(target.path("expr").asText());
            assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
        }));
        assertThat(exprs).allSatisfy(expr -> assertThat(expr).contains("namespace=~\"$namespace\"", "pod=~\"$pod\""));
        assertThat(exprs.stream().filter(expr -> expr.contains("rate(")))
                .allSatisfy(expr -> assertThat(expr).contains("[$__rate_interval]").doesNotContain("kube_"))
                .isNotEmpty();
        assertThat(String.join("\n", exprs)).contains("echo_connections_active", "echo_connections_closed_total",
                "echo_bytes_received_total", "echo_connection_duration_seconds_bucket", "echo_memory_held_bytes",
                "echo_memory_budget_bytes", "echo_memory_pauses_total", "echo_overloaded_seconds_total",
                "echo_tls_handshakes_total", "echo_tls_handshake_failures_total", "echo_tls_certificate_not_after_seconds",
                "echo_proxy_protocol_rejected_total", "echo_udp_dropped_total", "echo_fault_connections_total",
                "jvm_memory_used_bytes", "jvm_buffer_memory_used_bytes", "echo_event_loop_delay_seconds",
                "kube_pod_container_status_restarts_total");
    }

    @Test
    void thePrometheusRuleCarriesTheRulesScopedToTheReleaseWithTheLabelsPrometheusSelects() {
        Rendering r = Chart.render("""
                fullnameOverride: drill
                prometheusRule:
                  enabled: true
                  additionalLabels: {release: kube-prometheus-stack}
                  runbookUrl: https://wiki.example.com/tcp-echo
                  extraRules:
                    - alert: TcpEchoNoTraffic
                      expr: sum(rate(echo_connections_opened_total[30m])) == 0
                      labels: {severity: info}
                """);
        JsonNode rule = r.get("PrometheusRule", "drill");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(rule.at("/spec/groups/0/name").asText()).isEqualTo("tcp-echo");
        assertThat(rule.at("/spec/groups/0/rules/0/expr").asText()).isEqualTo("up{job=\"drill-management\"} == 0");
        assertThat(rule.at("/spec/groups/0/rules/0/annotations/runbook_url").asText())
                .isEqualTo("https://wiki.example.com/tcp-echo#tcpechotargetdown");
        assertThat(rule.at("/spec/groups/0/rules/0/annotations/summary").asText())
                .as("Prometheus templates kept as they are").contains("{{ $labels.pod }}");
        assertThat(rule.at("/spec/groups/1/name").asText()).isEqualTo("tcp-echo-extra");
        assertThat(rule.at("/spec/groups/1/rules/0/alert").asText()).isEqualTo("TcpEchoNoTraffic");
        assertThat(r.managementService().at("/metadata/name").asText()).as("the job the rules select")
                .isEqualTo("drill-management");
    }

    @Test
    void logFormatJsonSwitchesTheConsoleToJson() {
        assertThat(Chart.render("logFormat: json").env("QUARKUS_LOG_CONSOLE_JSON_ENABLED")).isEqualTo("true");
    }

    @Test
    void gatewayRoutesGoToTheServicesPortsThroughTheGivenParents() {
        Rendering r = Chart.render("""
                service: {type: ClusterIP}
                tls: {enabled: true, secretName: echo-cert}
                udp: {enabled: true}
                gateway:
                  parentRefs: [{name: shared, namespace: infra, sectionName: echo}]
                  tcpRoute: {enabled: true}
                  tlsRoute: {enabled: true, hostnames: [echo.example.com, "*.echo.example.com"],
                    parentRefs: [{name: shared, namespace: infra, sectionName: echo-tls}]}
                  udpRoute: {enabled: true}
                """);
        JsonNode tcp = r.get("TCPRoute", "tcp-echo");
        assertThat(tcp.path("apiVersion").asText()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(tcp.at("/spec/parentRefs/0/name").asText()).isEqualTo("shared");
        assertThat(tcp.at("/spec/parentRefs/0/sectionName").asText()).isEqualTo("echo");
        assertThat(tcp.at("/spec/rules/0/backendRefs/0/name").asText()).isEqualTo("tcp-echo");
        assertThat(tcp.at("/spec/rules/0/backendRefs/0/port").asInt()).isEqualTo(7);
        JsonNode tls = r.get("TLSRoute", "tcp-echo-tls");
        assertThat(tls.at("/spec/hostnames/1").asText()).isEqualTo("*.echo.example.com");
        assertThat(tls.at("/spec/parentRefs/0/sectionName").asText()).isEqualTo("echo-tls");
        assertThat(tls.at("/spec/rules/0/backendRefs/0/port").asInt()).isEqualTo(7443);
        assertThat(r.get("UDPRoute", "tcp-echo-udp").at("/spec/rules/0/backendRefs/0/port").asInt()).isEqualTo(7);
        assertThat(Chart.render("gateway: {apiVersion: gateway.networking.k8s.io/v1alpha2, parentRefs: [{name: g}], "
                + "tcpRoute: {enabled: true}}").get("TCPRoute", "tcp-echo").path("apiVersion").asText())
                .isEqualTo("gateway.networking.k8s.io/v1alpha2");
    }

    @Test
    void aRouteWithoutAParentOrWithoutItsPortFailsWithWhatToSet() {
        assertThatThrownBy(() -> Chart.render("gateway: {tcpRoute: {enabled: true}}")).hasMessageContaining(
                "gateway.tcpRoute.enabled needs gateway.parentRefs (or its own parentRefs): the Gateway listener it attaches to");
        assertThatThrownBy(() -> Chart.render("gateway: {parentRefs: [{name: g}], tlsRoute: {enabled: true}}"))
                .hasMessageContaining("gateway.tlsRoute.enabled needs tls.enabled: the route goes to that port of the Service");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "dashboard: {enabled: yes please}",
            "dashboard: {label: \"\"}",
            "prometheusRule: {runbookUrl: wiki}",
            "prometheusRule: {additionalLabels: {release: 1}}",
            "logFormat: xml",
            "gateway: {apiVersion: gateway.networking.k8s.io/v2}",
            "gateway: {parentRefs: [{namespace: infra}]}",
            "gateway: {tlsRoute: {hostnames: [\"Not A Host\"]}}",
            "gateway: {tcpRoute: {enabled: true, port: 7}}",
    })
    void theSchemaRefusesWrongValues(String values) {
        assertThatThrownBy(() -> Chart.render(values)).hasMessageContaining("values don't meet the specifications of the schema");
    }
}
