package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tcpecho.deploy.Chart.Rendering;

/**
 * Every manifest the chart renders (the defaults, each preset, every toggle on, the Gateway API's older version) and
 * every object in k8s/ is a valid object by the Kubernetes API's schemas and the CRDs' ({@link ApiSchemas}); and a
 * rendering with a wrong field or a wrong type fails the check, so it is not one that passes anything.
 */
class ApiSchemasTest {

    /** Every toggle of values.yaml on, with the values each needs. */
    static final String EVERY_TOGGLE = """
            whoami: {enabled: true}
            udp: {enabled: true}
            tls:
              enabled: true
              clientAuth: request
              faultsBySni: true
              certManager: {enabled: true, issuerRef: {name: letsencrypt}, dnsNames: [echo.example.com, "*.echo.example.com"]}
            faults:
              scenarios:
                slow: {port: 7101, latencyMs: 200, jitterMs: 50}
                reset: {port: 7102, resetAfterBytes: 65536}
              command: {enabled: true}
            autoscaling: {enabled: true}
            podDisruptionBudget: {enabled: true}
            serviceMonitor: {enabled: true, labels: {release: prometheus}}
            gateway:
              parentRefs: [{name: shared, namespace: infra, sectionName: echo}]
              tcpRoute: {enabled: true}
              tlsRoute: {enabled: true, hostnames: [echo.example.com]}
              udpRoute: {enabled: true}
            dashboard: {enabled: true}
            prometheusRule: {enabled: true}
            networkPolicy: {enabled: true}
            logFormat: json
            extraEnv: [{name: JAVA_TOOL_OPTIONS, value: "-Xss512k"}]
            topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}]
            loadJob:
              enabled: true
              options: [-c, "640"]
              activeDeadlineSeconds: 3600
              nodeSelector: {pool: load}
              tolerations: [{key: load, operator: Exists, effect: NoSchedule}]
            """;

    static Stream<Arguments> renderings() throws IOException {
        List<Arguments> renderings = new ArrayList<>();
        renderings.add(Arguments.of("defaults", ""));
        try (Stream<Path> presets = Files.list(Chart.DIR.resolve("presets"))) {
            for (Path preset : presets.sorted().toList()) {
                renderings.add(Arguments.of("presets/" + preset.getFileName(), Files.readString(preset)));
            }
        }
        renderings.add(Arguments.of("every toggle on", EVERY_TOGGLE));
        renderings.add(Arguments.of("every toggle on, Gateway API v1alpha2",
                EVERY_TOGGLE.replace("gateway:\n", "gateway:\n  apiVersion: gateway.networking.k8s.io/v1alpha2\n")));
        return renderings.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderings")
    void everyObjectTheChartRendersIsValidByTheApiSchemas(String name, String values) {
        Rendering rendering = Chart.render(values);
        assertThat(rendering.objects()).isNotEmpty();
        assertThat(rendering.objects().stream().flatMap(o -> ApiSchemas.problems(o).stream())).as(name).isEmpty();
    }

    @Test
    void everyToggleRendersTheKindsItIsFor() {
        assertThat(Chart.render(EVERY_TOGGLE).names()).anyMatch(n -> n.startsWith("TCPRoute/"))
                .anyMatch(n -> n.startsWith("TLSRoute/")).anyMatch(n -> n.startsWith("UDPRoute/"))
                .anyMatch(n -> n.startsWith("Certificate/")).anyMatch(n -> n.startsWith("ServiceMonitor/"))
                .anyMatch(n -> n.startsWith("PrometheusRule/")).anyMatch(n -> n.startsWith("HorizontalPodAutoscaler/"))
                .anyMatch(n -> n.startsWith("PodDisruptionBudget/")).anyMatch(n -> n.startsWith("NetworkPolicy/"))
                .anyMatch(n -> n.startsWith("ConfigMap/")).anyMatch(n -> n.startsWith("Pod/"))
                .anyMatch(n -> n.startsWith("Job/"));
    }

    @Test
    void everyObjectInK8sIsValidByTheApiSchemas() throws IOException {
        List<ObjectNode> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8sManifestsTest.DIR)) {
            for (Path file : files.sorted().toList()) {
                // kustomization.yaml configures kustomize; it is not an object the API server takes.
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    objects.addAll(Chart.parse(Files.readString(file)));
                }
            }
        }
        assertThat(objects).extracting(o -> o.path("kind").asText())
                .contains("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget");
        assertThat(objects.stream().flatMap(o -> ApiSchemas.problems(o).stream())).isEmpty();
    }

    /** Values that reach the manifests unchecked by the chart's schema, each wrong in one way the API refuses. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "extraEnv: [{name: A, valu: b}]                                   | spec.template.spec.containers[0].env[",
            "affinity: {nodeAfinity: {}}                                       | affinity.nodeAfinity: unknown field",
            "podSecurityContext: {runAsUser: \"1000\"}                           | Cannot coerce String value",
            "topologySpreadConstraints: [{maxSkew: one, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}] | Cannot coerce String value",
            "tolerations: [{key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: true}] | `java.lang.Long` from Boolean value",
            "resources: {requests: {cpu: fast}}                                | not a quantity: fast" })
    void aWrongFieldOrTypeInARenderingFailsTheCheck(String values, String expected) {
        List<String> problems = Chart.render(values).objects().stream().flatMap(o -> ApiSchemas.problems(o).stream()).toList();
        assertThat(problems).as(values).anySatisfy(p -> assertThat(p).contains("Deployment").contains(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "replicas as a string      | /spec/replicas        | \"2\"",
            "a port as a string        | /spec/template/spec/containers/0/ports/0/containerPort | \"7007\"",
            "a label that is a number  | /metadata/labels/app.kubernetes.io~1name | 7",
            "a boolean as a string     | /spec/template/spec/automountServiceAccountToken | \"false\"" })
    void aValueOfTheWrongTypeIsRefused(String what, String pointer, String json) throws IOException {
        ObjectNode deployment = Chart.render("").deployment().deepCopy();
        JsonNode wrong = Chart.YAML.readTree(json);
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        String field = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/");
        ((ObjectNode) deployment.at(parent)).set(field, wrong);
        assertThat(ApiSchemas.problems(deployment)).as(what).isNotEmpty();
    }

    @Test
    void anUnknownApiVersionOrKindIsRefused() {
        ObjectNode service = Chart.render("").echoService().deepCopy();
        assertThat(ApiSchemas.problems(service)).isEmpty();
        service.put("apiVersion", "v2");
        assertThat(ApiSchemas.problems(service)).singleElement().asString().contains("no schema for apiVersion/kind v2/Service");
    }
}
