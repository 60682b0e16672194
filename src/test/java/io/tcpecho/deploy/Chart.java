package io.tcpecho.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

/**
 * The Helm chart in {@code helm/tcp-echo}, rendered and linted through helm-java (Helm's own Go code,
 * bundled as a native library), and its output parsed into Kubernetes objects.
 */
final class Chart {

    static final Path DIR = Path.of("helm", "tcp-echo");
    static final String RELEASE = "tcp-echo";
    static final String NAMESPACE = "echo";
    static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    static LintResult lint() {
        return new Helm(DIR).lint().strict().call();
    }

    /**
     * Hook annotation as it appears in {@link #render} output. helm-java's template leaves hooks (the helm test
     * pod) out of its output, so {@link #render} renders a copy of the chart in which the hook annotation of
     * templates/tests/ is renamed to this; everything else is the chart as it is.
     */
    static final String HOOK_ANNOTATION = "rendered-as-hook.tcp-echo.io/helm.sh-hook";

    private static Path chartWithVisibleHooks;

    /** Renders the chart, helm tests included, with the default values plus {@code valuesYaml} (may be empty). */
    static Rendering render(String valuesYaml) {
        return new Rendering(parse(template(chartWithVisibleHooks(), valuesYaml)));
    }

    /** {@code helm template} output of the chart itself (without hooks); throws if Helm refuses the values. */
    static String template(String valuesYaml) {
        return template(DIR, valuesYaml);
    }

    /** The NOTES.txt Helm prints after an install with the default values (client-only dry run). */
    static String notes() {
        String output = new Helm(DIR).install().withName(RELEASE).withNamespace(NAMESPACE).clientOnly().dryRun()
                .withDryRunOption(com.marcnuri.helm.DryRun.CLIENT).call().getOutput();
        int notes = output.indexOf("NOTES:");
        return notes < 0 ? "" : output.substring(notes);
    }

    private static synchronized Path chartWithVisibleHooks() {
        if (chartWithVisibleHooks == null) {
            try {
                Path copy = Files.createTempDirectory("tcp-echo-chart-");
                try (var files = Files.walk(DIR)) {
                    for (Path source : (Iterable<Path>) files::iterator) {
                        Path target = copy.resolve(DIR.relativize(source).toString());
                        if (Files.isDirectory(source)) {
                            Files.createDirectories(target);
                        } else if (source.startsWith(DIR.resolve("templates/tests"))) {
                            Files.writeString(target, Files.readString(source).replace("helm.sh/hook:", HOOK_ANNOTATION + ":"));
                        } else {
                            Files.copy(source, target);
                        }
                    }
                }
                chartWithVisibleHooks = copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return chartWithVisibleHooks;
    }

    private static String template(Path chart, String valuesYaml) {
        try {
            TemplateCommand template = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
            Path values = null;
            if (!valuesYaml.isBlank()) {
                values = Files.createTempFile("tcp-echo-values-", ".yaml");
                Files.writeString(values, valuesYaml);
                template = template.withValuesFile(values);
            }
            try {
                return template.call();
            } finally {
                if (values != null) {
                    Files.deleteIfExists(values);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ObjectNode> parse(String multiDocumentYaml) {
        List<ObjectNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(multiDocumentYaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document instanceof ObjectNode object && object.hasNonNull("kind")) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    /** The objects of one rendering, with lookups by kind and name. */
    record Rendering(List<ObjectNode> objects) {

        List<ObjectNode> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        }

        Optional<ObjectNode> find(String kind, String name) {
            return objects.stream()
                    .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.at("/metadata/name").asText()))
                    .findFirst();
        }

        ObjectNode get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
        }

        List<String> names() {
            return objects.stream().map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText()).toList();
        }

        /** Objects that are not Helm hooks (tests), i.e. what `helm install` keeps running. */
        List<ObjectNode> workload() {
            return objects.stream().filter(Predicate.not(Rendering::isHook)).toList();
        }

        static boolean isHook(JsonNode object) {
            JsonNode annotations = object.at("/metadata/annotations");
            return annotations.has("helm.sh/hook") || annotations.has(HOOK_ANNOTATION);
        }

        ObjectNode deployment() {
            return only("Deployment", o -> true);
        }

        JsonNode container() {
            return deployment().at("/spec/template/spec/containers/0");
        }

        /** The echo Service: the one that is neither the management Service nor the load Job's (each has a component). */
        ObjectNode echoService() {
            return only("Service", o -> !o.at("/metadata/labels").has("app.kubernetes.io/component"));
        }

        ObjectNode managementService() {
            return only("Service", Rendering::isManagement);
        }

        private static boolean isManagement(JsonNode service) {
            return "management".equals(service.at("/metadata/labels/app.kubernetes.io~1component").asText());
        }

        private ObjectNode only(String kind, Predicate<JsonNode> test) {
            List<ObjectNode> found = ofKind(kind).stream().filter(test).toList();
            if (found.size() != 1) {
                throw new AssertionError("expected one " + kind + " in " + names());
            }
            return found.get(0);
        }

        /** The value of an environment variable of the echo container, or null. */
        String env(String name) {
            for (JsonNode var : container().path("env")) {
                if (name.equals(var.path("name").asText())) {
                    return var.path("value").asText();
                }
            }
            return null;
        }

        /** The container port with this name. */
        int containerPort(String name) {
            for (JsonNode port : container().path("ports")) {
                if (name.equals(port.path("name").asText())) {
                    return port.path("containerPort").asInt();
                }
            }
            throw new AssertionError("no container port named " + name);
        }
    }
}
