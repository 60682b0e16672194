package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.tcpecho.testing.Commands;

/**
 * {@code k8s/} is the chart's default rendering (release name tcp-echo, helm tests and Helm's own labels left
 * out), one file per object, plus a kustomization.yaml. This test fails when they differ, object by object.
 * Regenerate after changing the chart with:
 *
 * <pre>
 * ./mvnw -B test -Dtest=K8sManifestsTest -Dtcpecho.k8s.write=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class K8sManifestsTest {

    static final Path DIR = Path.of("k8s");
    static final String REGENERATE = "./mvnw -B test -Dtest=K8sManifestsTest -Dtcpecho.k8s.write=true"
            + " -Dsurefire.failIfNoSpecifiedTests=false";

    /** Labels that only make sense for a Helm release. */
    private static final List<String> HELM_LABELS = List.of("helm.sh/chart", "app.kubernetes.io/managed-by");

    private static final YAMLMapper WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    @Test
    void k8sDirectoryIsTheChartsDefaultRendering() throws IOException {
        Map<String, ObjectNode> expected = expectedFiles();
        if (Boolean.getBoolean("tcpecho.k8s.write")) {
            write(expected);
        }

        JsonNode kustomization = Chart.YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        List<String> resources = new ArrayList<>();
        kustomization.path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).as("k8s/kustomization.yaml resources; regenerate with: %s", REGENERATE)
                .containsExactlyElementsOf(expected.keySet());

        for (Map.Entry<String, ObjectNode> file : expected.entrySet()) {
            Path path = DIR.resolve(file.getKey());
            assertThat(path).as("regenerate with: %s", REGENERATE).exists();
            List<ObjectNode> actual = Chart.parse(Files.readString(path));
            assertThat(actual).as("%s differs from the chart's default rendering; regenerate with: %s", path, REGENERATE)
                    .containsExactly(file.getValue());
        }
        try (var files = Files.list(DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("kustomization.yaml")))
                    .as("files in k8s/ that the chart does not produce")
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
    }

    @Test
    void kustomizeBuildsExactlyTheseObjects() {
        // `kubectl apply -k` needs a server, `kubectl kustomize` does not: it is what apply -k would send.
        org.junit.jupiter.api.Assumptions.assumeTrue(Commands.run(List.of("sh", "-c", "command -v kubectl"), Map.of(),
                Path.of("."), java.time.Duration.ofSeconds(10)).exitCode() == 0, "kubectl is not installed");
        String built = Commands.run(List.of("kubectl", "kustomize", DIR.toString()), Map.of(), Path.of("."),
                java.time.Duration.ofMinutes(1)).orFail("kubectl kustomize k8s/").output();
        assertThat(Chart.parse(built)).containsExactlyInAnyOrderElementsOf(expectedFiles().values());
    }

    @Test
    void manifestsAreTheProductionShape() throws IOException {
        // The same facts HelmChartTest checks on the chart, read back from the files kubectl applies.
        List<ObjectNode> objects = new ArrayList<>();
        for (String file : expectedFiles().keySet()) {
            objects.addAll(Chart.parse(Files.readString(DIR.resolve(file))));
        }
        Chart.Rendering k8s = new Chart.Rendering(objects);
        assertThat(k8s.deployment().at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(k8s.echoService().at("/spec/type").asText()).isEqualTo("LoadBalancer");
        assertThat(k8s.echoService().at("/spec/ports")).hasSize(1);
        assertThat(k8s.echoService().at("/spec/ports/0/port").asInt()).isEqualTo(7);
        assertThat(k8s.echoService().at("/spec/ports/0/protocol").asText()).isEqualTo("TCP");
        assertThat(k8s.managementService().at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(k8s.ofKind("PodDisruptionBudget")).hasSize(1);
        assertThat(k8s.container().at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(k8s.env("ECHO_PORT")).isEqualTo("7007");
        assertThat(k8s.deployment().at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
                .isGreaterThan(35);
        assertThat(k8s.objects()).allSatisfy(o -> assertThat(o.at("/metadata/labels").has("helm.sh/chart")).isFalse());
    }

    /** File name -> object, in the order kustomization.yaml lists them. */
    static Map<String, ObjectNode> expectedFiles() {
        Map<String, ObjectNode> files = new LinkedHashMap<>();
        List<ObjectNode> objects = new ArrayList<>(Chart.render("").workload());
        List<String> order = List.of("ServiceAccount", "Service", "Deployment", "PodDisruptionBudget");
        objects.sort((a, b) -> Integer.compare(order.indexOf(a.path("kind").asText()), order.indexOf(b.path("kind").asText())));
        for (ObjectNode object : objects) {
            ObjectNode copy = object.deepCopy();
            stripHelmLabels(copy.path("metadata").path("labels"));
            stripHelmLabels(copy.at("/spec/template/metadata/labels"));
            String name = copy.at("/metadata/name").asText();
            String suffix = name.equals(Chart.RELEASE) ? "" : name.substring(Chart.RELEASE.length());
            String file = copy.path("kind").asText().toLowerCase(Locale.ROOT) + suffix + ".yaml";
            assertThat(files.put(file, copy)).as("two objects for %s", file).isNull();
        }
        return files;
    }

    private static void stripHelmLabels(JsonNode labels) {
        if (labels instanceof ObjectNode object) {
            HELM_LABELS.forEach(object::remove);
        }
    }

    private static void write(Map<String, ObjectNode> files) throws IOException {
        Files.createDirectories(DIR);
        String header = "# Generated from helm/tcp-echo with its default values; do not edit. Change the chart, then run:\n#   "
                + REGENERATE + "\n";
        for (Map.Entry<String, ObjectNode> file : files.entrySet()) {
            Files.writeString(DIR.resolve(file.getKey()), header + WRITER.writeValueAsString(file.getValue()));
        }
        StringBuilder kustomization = new StringBuilder(header)
                .append("# Apply with: kubectl apply -k k8s/   (namespace: kubectl apply -k k8s/ -n NAMESPACE)\n")
                .append("# Use your image: cd k8s && kustomize edit set image tcp-echo/tcp-echo=REGISTRY/tcp-echo:TAG\n")
                .append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        files.keySet().forEach(f -> kustomization.append("  - ").append(f).append('\n'));
        Files.writeString(DIR.resolve("kustomization.yaml"), kustomization.toString());
    }
}
