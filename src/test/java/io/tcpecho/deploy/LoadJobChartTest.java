package io.tcpecho.deploy;

import static io.tcpecho.deploy.HelmChartTest.matches;
import static io.tcpecho.deploy.HelmChartTest.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tcpecho.deploy.Chart.Rendering;

/** The load client as an Indexed Job (loadJob): its pods, their command line, and what they must not be mistaken for. */
class LoadJobChartTest {

    private static final String TEN_SHARDS = """
            loadJob:
              enabled: true
              shards: 10
              workload: pingpong
              target: "203.0.113.10:7"
              options: [-c, "640", -d, 5m]
            """;

    @Test
    void tenShardsAreOneIndexedJobWhoseIndexZeroTheOthersReachThroughAHeadlessService() {
        Rendering r = Chart.render(TEN_SHARDS);
        ObjectNode job = r.get("Job", "tcp-echo-load-1");
        assertThat(job.at("/spec/completionMode").asText()).isEqualTo("Indexed");
        assertThat(job.at("/spec/completions").asInt()).isEqualTo(10);
        assertThat(job.at("/spec/parallelism").asInt()).isEqualTo(10);
        assertThat(job.at("/spec/backoffLimitPerIndex").isInt()).as("set, so that a failed index is not run again").isTrue();
        assertThat(job.at("/spec/backoffLimitPerIndex").asInt()).isZero();
        assertThat(job.at("/spec/template/spec/restartPolicy").asText()).as("what backoffLimitPerIndex needs").isEqualTo("Never");

        ObjectNode service = r.get("Service", "tcp-echo-load");
        assertThat(job.at("/spec/template/spec/subdomain").asText()).isEqualTo("tcp-echo-load");
        assertThat(service.at("/spec/clusterIP").asText()).as("headless").isEqualTo("None");
        assertThat(service.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(7070);
        assertThat(matches(service.at("/spec/selector"), job.at("/spec/template/metadata/labels"))).as("selects the load pods")
                .isTrue();

        JsonNode container = job.at("/spec/template/spec/containers/0");
        assertThat(container.has("command")).as("the image's entrypoint runs the jar").isFalse();
        assertThat(texts(container.path("args"))).containsExactly("load", "pingpong", "--target", "203.0.113.10:7",
                "--shard", "$(JOB_COMPLETION_INDEX)/10", "--barrier", "tcp-echo-load-1-0.tcp-echo-load:7070",
                "--format", "json", "-c", "640", "-d", "5m");
        assertThat(container.at("/env/0/name").asText()).isEqualTo("LOAD_SHARDS");
        assertThat(container.at("/env/0/value").asText()).isEqualTo("10");
        assertThat(container.at("/env/1/name").asText()).isEqualTo("JAVA_TOOL_OPTIONS");
        assertThat(container.at("/env/1/value").asText()).as("the quick compiler only").isEqualTo("-XX:TieredStopAtLevel=1");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(7070);
        assertThat(container.path("image").asText()).isEqualTo(r.container().path("image").asText());
    }

    @Test
    void theEchoServiceAndItsBudgetNeverSelectTheLoadPods() {
        Rendering r = Chart.render(TEN_SHARDS);
        JsonNode loadPod = r.get("Job", "tcp-echo-load-1").at("/spec/template/metadata/labels");
        assertThat(matches(r.echoService().at("/spec/selector"), loadPod)).isFalse();
        assertThat(matches(r.get("PodDisruptionBudget", "tcp-echo").at("/spec/selector/matchLabels"), loadPod)).isFalse();
        assertThat(matches(r.get("Service", "tcp-echo-load").at("/spec/selector"),
                r.deployment().at("/spec/template/metadata/labels"))).as("nor the barrier's Service the echo pods").isFalse();
    }

    @Test
    void byDefaultTheShardsLoadTheReleasesOwnServiceSpreadOverNodes() {
        Rendering r = Chart.render("{loadJob: {enabled: true}, service: {port: 7777}}");
        JsonNode spec = r.get("Job", "tcp-echo-load-1").at("/spec/template/spec");
        assertThat(texts(spec.at("/containers/0/args"))).containsSequence("--target", "tcp-echo.echo.svc:7777")
                .containsSequence("--shard", "$(JOB_COMPLETION_INDEX)/2");
        JsonNode spread = spec.at("/topologySpreadConstraints/0");
        assertThat(spread.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertThat(spread.at("/labelSelector/matchLabels/batch.kubernetes.io~1job-name").asText()).isEqualTo("tcp-echo-load-1");

        JsonNode own = Chart.render("""
                loadJob:
                  enabled: true
                  topologySpreadConstraints:
                    - {maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule,
                       labelSelector: {matchLabels: {pool: load}}}
                """).get("Job", "tcp-echo-load-1").at("/spec/template/spec/topologySpreadConstraints/0/labelSelector");
        assertThat(own.at("/matchLabels/pool").asText()).as("a constraint's own selector is kept").isEqualTo("load");
        assertThat(own.at("/matchLabels").size()).isEqualTo(1);
    }

    @Test
    void theLoadPodsAreAsLockedDownAsTheEchoPods() {
        Rendering r = Chart.render(TEN_SHARDS);
        JsonNode spec = r.get("Job", "tcp-echo-load-1").at("/spec/template/spec");
        JsonNode echo = r.deployment().at("/spec/template/spec");
        assertThat(spec.path("securityContext")).isEqualTo(echo.path("securityContext"));
        assertThat(spec.at("/containers/0/securityContext")).isEqualTo(echo.at("/containers/0/securityContext"));
        assertThat(spec.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(spec.at("/containers/0/volumeMounts/0/mountPath").asText()).as("a writable /tmp").isEqualTo("/tmp");
        assertThat(spec.at("/volumes/0/emptyDir").isObject()).isTrue();
        assertThat(spec.at("/containers/0/resources/limits/memory").asText()).isEqualTo("1Gi");
    }

    @Test
    void steadyRunsAsShardsToo() {
        JsonNode args = Chart.render("""
                loadJob:
                  enabled: true
                  shards: 3
                  workload: steady
                  options: [-c, "300", -r, "10", -d, 10m]
                """).get("Job", "tcp-echo-load-1").at("/spec/template/spec/containers/0/args");
        assertThat(texts(args)).containsExactly("load", "steady", "--target", "tcp-echo.echo.svc:7",
                "--shard", "$(JOB_COMPLETION_INDEX)/3", "--barrier", "tcp-echo-load-1-0.tcp-echo-load:7070",
                "--format", "json", "-c", "300", "-r", "10", "-d", "10m");
    }

    @Test
    void spreadRunsAsShardsAgainstTheWhoamiPort() {
        JsonNode args = Chart.render("""
                whoami: {enabled: true, servicePort: 8018}
                loadJob:
                  enabled: true
                  shards: 3
                  workload: spread
                  options: [-c, "300", -p, "6"]
                """).get("Job", "tcp-echo-load-1").at("/spec/template/spec/containers/0/args");
        assertThat(texts(args)).as("the release's whoami port, not its echo port").containsExactly("load", "spread",
                "--target", "tcp-echo.echo.svc:8018", "--shard", "$(JOB_COMPLETION_INDEX)/3", "--barrier",
                "tcp-echo-load-1-0.tcp-echo-load:7070", "--format", "json", "-c", "300", "-p", "6");

        JsonNode balancer = Chart.render("{loadJob: {enabled: true, workload: spread, target: \"203.0.113.10:8008\"}}")
                .get("Job", "tcp-echo-load-1").at("/spec/template/spec/containers/0/args");
        assertThat(texts(balancer)).as("a target given, whoami or not").containsSequence("--target", "203.0.113.10:8008");

        assertThatThrownBy(() -> Chart.render("{loadJob: {enabled: true, workload: spread}}"))
                .hasMessageContaining("loadJob.workload=spread connects to a whoami port: enable whoami (whoami.enabled) "
                        + "or give loadJob.target");
    }

    @Test
    void theClientsJvmFlagsAreTheUsersToChooseAndChecked() {
        JsonNode env = Chart.render("{loadJob: {enabled: true, jvmOptions: \"\"}}").get("Job", "tcp-echo-load-1")
                .at("/spec/template/spec/containers/0/env");
        assertThat(env.size()).as("no JAVA_TOOL_OPTIONS: the JVM's default").isEqualTo(1);
        assertThat(Chart.render("{loadJob: {enabled: true, jvmOptions: \"-XX:+UseParallelGC -Xss512k\"}}")
                .get("Job", "tcp-echo-load-1").at("/spec/template/spec/containers/0/env/1/value").asText())
                .isEqualTo("-XX:+UseParallelGC -Xss512k");
        assertThatThrownBy(() -> Chart.render("{loadJob: {enabled: true, jvmOptions: \"TieredStopAtLevel=1\"}}"))
                .hasMessageContaining("jvmOptions");
        JsonNode overTls = Chart.render("{loadJob: {enabled: true, options: [--tls, --tls-ca, /ca.pem]}}")
                .get("Job", "tcp-echo-load-1").at("/spec/template/spec/containers/0/env");
        assertThat(overTls.size()).as("TLS keeps C2, whose AES-GCM intrinsics the quick compiler lacks").isEqualTo(1);
    }

    @Test
    void offByDefault() {
        assertThat(Chart.render("").ofKind("Job")).isEmpty();
    }
}
