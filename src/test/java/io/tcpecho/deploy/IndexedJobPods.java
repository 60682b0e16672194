package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The pods the Job controller makes of a rendered Indexed Job, one per completion index, written as one manifest that
 * {@code podman kube play --network=host} runs on this machine. Each is the Job's pod template as rendered, with what the
 * controller and the kubelet add: the name and host name {@code <job>-<index>}, {@code JOB_COMPLETION_INDEX} in every
 * container's environment, and index 0's name under the Job's headless Service ({@code <job>-0.<subdomain>}) resolving
 * to it (here 127.0.0.1: every pod is on the host's network).
 * <p>
 * Changes that podman 4.3 forces: {@code JOB_COMPLETION_INDEX} is a plain value (the controller sets it from a
 * Downward API annotation, which podman cannot fill); {@code $(JOB_COMPLETION_INDEX)} in the arguments is replaced by the
 * index here (podman passes it through unexpanded, where the kubelet expands it); index 0's name is in a hosts file
 * mounted at /etc/hosts, as the kubelet mounts one into each pod (podman drops {@code hostAliases} with host
 * networking); and container ports are left out (podman refuses port mappings with host networking).
 */
final class IndexedJobPods {

    private static final String INDEX = "JOB_COMPLETION_INDEX";
    private static final String HOSTS_VOLUME = "kubelet-hosts";

    private IndexedJobPods() {
    }

    /** Writes the pods of {@code job} and their hosts file into {@code directory}; returns the manifest's path. */
    static Path write(ObjectNode job, Path directory) throws IOException {
        assertThat(job.at("/spec/completionMode").asText()).isEqualTo("Indexed");
        Path hosts = directory.resolve(name(job) + "-hosts");
        Files.writeString(hosts, "127.0.0.1\tlocalhost\n127.0.0.1\t" + indexZeroHost(job) + "\n");
        // The load pods run as the chart's non-root user, which must be able to read it.
        Files.setPosixFilePermissions(hosts, PosixFilePermissions.fromString("rw-r--r--"));
        StringBuilder manifest = new StringBuilder();
        for (int index = 0; index < completions(job); index++) {
            manifest.append(Chart.YAML.writeValueAsString(pod(job, index, hosts.toAbsolutePath())));
        }
        Path file = directory.resolve(name(job) + "-pods.yaml");
        Files.writeString(file, manifest);
        return file;
    }

    /** The names podman gives the pods' containers, in index order. */
    static List<String> containers(ObjectNode job) {
        List<String> containers = new ArrayList<>();
        IntStream.range(0, completions(job)).forEach(index -> job.at("/spec/template/spec/containers")
                .forEach(container -> containers.add(podName(job, index) + "-" + container.path("name").asText())));
        return containers;
    }

    private static ObjectNode pod(ObjectNode job, int index, Path hosts) {
        ObjectNode template = job.at("/spec/template").deepCopy();
        ObjectNode pod = Chart.YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata").put("name", podName(job, index));
        metadata.set("labels", template.at("/metadata/labels"));
        ObjectNode spec = (ObjectNode) template.path("spec");
        spec.put("hostname", podName(job, index));
        for (JsonNode c : spec.path("containers")) {
            ObjectNode container = (ObjectNode) c;
            container.withArray("env").addObject().put("name", INDEX).put("value", String.valueOf(index));
            ArrayNode args = container.withArray("args");
            for (int i = 0; i < args.size(); i++) {
                args.set(i, TextNode.valueOf(args.get(i).asText().replace("$(" + INDEX + ")", String.valueOf(index))));
            }
            container.remove("ports");
            container.withArray("volumeMounts").addObject().put("name", HOSTS_VOLUME).put("mountPath", "/etc/hosts")
                    .put("readOnly", true);
        }
        spec.withArray("volumes").addObject().put("name", HOSTS_VOLUME).putObject("hostPath")
                .put("path", hosts.toString()).put("type", "File");
        pod.set("spec", spec);
        return pod;
    }

    private static String indexZeroHost(ObjectNode job) {
        String subdomain = job.at("/spec/template/spec/subdomain").asText();
        assertThat(subdomain).as("the pods' subdomain, the Job's headless Service").isNotEmpty();
        return podName(job, 0) + "." + subdomain;
    }

    private static String podName(ObjectNode job, int index) {
        return name(job) + "-" + index;
    }

    private static String name(ObjectNode job) {
        return job.at("/metadata/name").asText();
    }

    private static int completions(ObjectNode job) {
        return job.at("/spec/completions").asInt();
    }
}
