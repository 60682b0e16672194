package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;

import io.tcpecho.deploy.Chart.Rendering;
import io.tcpecho.testing.Commands;

/** The Helm chart rendered with several value sets; assertions on the Kubernetes objects it produces. */
class HelmChartTest {

    @Test
    void lintIsClean() {
        LintResult lint = Chart.lint();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void theChartItselfRendersTheSameWorkload() {
        // render() works on a copy whose hooks are visible; the real chart must give the same non-hook objects.
        assertThat(Chart.parse(Chart.template(""))).containsExactlyInAnyOrderElementsOf(Chart.render("").workload());
        assertThat(Chart.parse(Chart.template("service: {type: ClusterIP}")))
                .containsExactlyInAnyOrderElementsOf(Chart.render("service: {type: ClusterIP}").workload());
    }

    @Test
    void notesTellHowToFindTheLoadBalancerAndTryItWithNetcat() {
        String notes = Chart.notes();
        assertThat(notes).contains("kubectl get service tcp-echo --namespace echo")
                .contains(".status.loadBalancer.ingress[0].ip")
                .contains("nc -N $ECHO_HOST 7")
                .contains("helm test tcp-echo");
    }

    @Test
    void chartPackagesWithItsSchemaAndTestScript() throws IOException {
        Path destination = Files.createTempDirectory("tcp-echo-chart-package-");
        try {
            new com.marcnuri.helm.Helm(Chart.DIR).packageIt().withDestination(destination).call();
            Path archive = destination.resolve("tcp-echo-0.1.0.tgz");
            assertThat(archive).isNotEmptyFile();
            List<String> entries = Commands.run(List.of("tar", "-tzf", archive.toString()), Map.of(), Path.of("."),
                    Duration.ofSeconds(30)).orFail("tar -tzf " + archive).output().lines().toList();
            assertThat(entries).contains("tcp-echo/Chart.yaml", "tcp-echo/values.yaml", "tcp-echo/values.schema.json",
                    "tcp-echo/templates/tests/echo-test.yaml", "tcp-echo/README.md", "tcp-echo/presets/aws-nlb.yaml");
        } finally {
            BaseImage.deleteRecursively(destination);
        }
    }

    @Test
    void chartVersionsFollowTheProject() throws IOException {
        JsonNode chart = Chart.YAML.readTree(Chart.DIR.resolve("Chart.yaml").toFile());
        assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chart.path("appVersion").asText()).isEqualTo(ApplicationFacts.projectVersion());
    }

    @Test
    void defaultRenderingHasTheWorkloadAndNoOptionalExtras() {
        Rendering r = Chart.render("");
        assertThat(r.workload()).extracting(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
                .containsExactlyInAnyOrder("ServiceAccount/tcp-echo", "Service/tcp-echo", "Service/tcp-echo-management",
                        "Deployment/tcp-echo", "PodDisruptionBudget/tcp-echo");
        assertThat(r.deployment().at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(r.deployment().at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("tcp-echo/tcp-echo:" + ApplicationFacts.projectVersion());
        // Rolling updates never go below the replica count: a new pod is ready before an old one drains.
        assertThat(r.deployment().at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(r.get("PodDisruptionBudget", "tcp-echo").at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertSelectsThePods(r, r.get("PodDisruptionBudget", "tcp-echo").at("/spec/selector/matchLabels"));
    }

    @Test
    void loadBalancerServiceExposesOnlyTheEchoPortOverTcp() {
        Rendering r = Chart.render("");
        ObjectNode service = r.echoService();
        assertThat(service.at("/spec/type").asText()).isEqualTo("LoadBalancer");
        JsonNode ports = service.at("/spec/ports");
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).path("port").asInt()).isEqualTo(7);
        assertThat(ports.get(0).path("protocol").asText()).isEqualTo("TCP");
        assertThat(targetContainerPort(r, ports.get(0))).isEqualTo(7007).isEqualTo(ApplicationFacts.propertiesDefault("echo.port"));
        assertThat(service.at("/spec/externalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertSelectsThePods(r, service.at("/spec/selector"));

        ObjectNode management = r.managementService();
        assertThat(management.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(management.at("/spec/ports")).hasSize(1);
        assertThat(targetContainerPort(r, management.at("/spec/ports/0"))).isEqualTo(9000)
                .isEqualTo(ApplicationFacts.propertiesDefault("quarkus.management.port"));
        assertSelectsThePods(r, management.at("/spec/selector"));
    }

    @Test
    void udpEchoSharesTheServiceWithTheTcpEchoWhenEnabled() {
        Rendering r = Chart.render("{udp: {enabled: true}, networkPolicy: {enabled: true}}");
        JsonNode ports = r.echoService().at("/spec/ports");
        assertThat(ports).hasSize(2);
        assertThat(ports.get(1).path("name").asText()).isEqualTo("echo-udp");
        assertThat(ports.get(1).path("port").asInt()).isEqualTo(7);
        assertThat(ports.get(1).path("protocol").asText()).isEqualTo("UDP");
        assertThat(r.container().at("/ports/1/protocol").asText()).isEqualTo("UDP");
        assertThat(targetContainerPort(r, ports.get(1))).isEqualTo(7007);
        assertThat(r.env("ECHO_UDP_PORT")).isEqualTo("7007");
        JsonNode policyPort = r.get("NetworkPolicy", "tcp-echo").at("/spec/ingress/0/ports/1");
        assertThat(policyPort.path("port").asText()).isEqualTo("echo-udp");
        assertThat(policyPort.path("protocol").asText()).isEqualTo("UDP");
        assertThat(Chart.render("").env("ECHO_UDP_PORT")).as("off by default").isNull();
    }

    @Test
    void tlsEchoIsExposedBesideTheEchoPortWithTheSecretMountedWhereTheApplicationReadsIt() {
        Rendering r = Chart.render("{tls: {enabled: true, secretName: echo-cert}, networkPolicy: {enabled: true}}");
        JsonNode ports = r.echoService().at("/spec/ports");
        assertThat(ports).hasSize(2);
        assertThat(ports.get(1).path("name").asText()).isEqualTo("echo-tls");
        assertThat(ports.get(1).path("port").asInt()).isEqualTo(7443);
        assertThat(targetContainerPort(r, ports.get(1))).isEqualTo(7443);
        assertThat(r.env("ECHO_TLS_PORT")).isEqualTo("7443");
        assertThat(r.env("QUARKUS_TLS__ECHO__RELOAD_PERIOD")).isEqualTo("1m");
        assertThat(r.env("QUARKUS_TLS__ECHO__TRUST_STORE_PEM_CERTS")).as("no client certificates by default").isNull();
        // The application reads the files the Secret volume provides.
        JsonNode mount = r.container().at("/volumeMounts/1");
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        assertThat(mount.path("subPath").isMissingNode()).as("a subPath mount never sees a renewed Secret").isTrue();
        String directory = mount.path("mountPath").asText();
        assertThat(r.env("QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__CERT")).isEqualTo(directory + "/tls.crt");
        assertThat(r.env("QUARKUS_TLS__ECHO__KEY_STORE_PEM__0__KEY")).isEqualTo(directory + "/tls.key");
        JsonNode volume = r.deployment().at("/spec/template/spec/volumes/1");
        assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
        assertThat(volume.at("/secret/secretName").asText()).isEqualTo("echo-cert");
        JsonNode policyPort = r.get("NetworkPolicy", "tcp-echo").at("/spec/ingress/0/ports/1");
        assertThat(policyPort.path("port").asText()).isEqualTo("echo-tls");
        assertThat(r.ofKind("Certificate")).isEmpty();
        assertThat(Chart.render("").env("ECHO_TLS_PORT")).as("off by default").isNull();
    }

    @Test
    void certManagerFillsTheSecretTheTlsEchoMountsAndClientCertificatesUseItsCa() {
        Rendering r = Chart.render("{tls: {enabled: true, clientAuth: required, certManager: {enabled: true, issuerRef: {name: internal-ca}}}}");
        ObjectNode certificate = r.get("Certificate", "tcp-echo");
        assertThat(certificate.path("apiVersion").asText()).isEqualTo("cert-manager.io/v1");
        assertThat(certificate.at("/spec/secretName").asText()).isEqualTo("tcp-echo-tls")
                .isEqualTo(r.deployment().at("/spec/template/spec/volumes/1/secret/secretName").asText());
        assertThat(certificate.at("/spec/issuerRef/name").asText()).isEqualTo("internal-ca");
        assertThat(certificate.at("/spec/issuerRef/kind").asText()).isEqualTo("ClusterIssuer");
        assertThat(certificate.at("/spec/dnsNames/0").asText()).isEqualTo("tcp-echo");
        assertThat(certificate.at("/spec/dnsNames/1").asText()).isEqualTo("tcp-echo.echo.svc"); // the test release's namespace
        assertThat(r.env("ECHO_TLS_CLIENT_AUTH")).isEqualTo("required");
        assertThat(r.env("QUARKUS_TLS__ECHO__TRUST_STORE_PEM_CERTS")).isEqualTo("/etc/tcp-echo/tls/ca.crt");
    }

    @Test
    void tlsWithoutACertificateSourceFailsWithWhatToSet() {
        assertThatThrownBy(() -> Chart.render("tls: {enabled: true}"))
                .hasMessageContaining("tls.enabled needs a certificate: set tls.secretName");
        assertThatThrownBy(() -> Chart.render("tls: {enabled: true, certManager: {enabled: true}}"))
                .hasMessageContaining("tls.certManager.enabled needs tls.certManager.issuerRef.name");
        assertThatThrownBy(() -> Chart.render("{tls: {enabled: true, secretName: s}, echo: {proxyProtocol: required}}"))
                .as("what the application would refuse at start-up").hasMessageContaining("the TLS echo reads no PROXY protocol header");
    }

    @Test
    void whoamiIsExposedBesideTheEchoPortAndAdmittedByTheNetworkPolicyWhenEnabled() {
        Rendering r = Chart.render("{whoami: {enabled: true}, networkPolicy: {enabled: true}}");
        JsonNode ports = r.echoService().at("/spec/ports");
        assertThat(ports).hasSize(2);
        assertThat(ports.get(1).path("name").asText()).isEqualTo("whoami");
        assertThat(ports.get(1).path("port").asInt()).isEqualTo(8008);
        assertThat(ports.get(1).path("protocol").asText()).isEqualTo("TCP");
        assertThat(targetContainerPort(r, ports.get(1))).isEqualTo(7008);
        assertThat(r.env("ECHO_WHOAMI_PORT")).isEqualTo("7008");
        assertThat(r.get("NetworkPolicy", "tcp-echo").at("/spec/ingress/0/ports/1/port").asText()).isEqualTo("whoami");
        // The pod tells whoami who it is.
        Map<String, String> downward = new TreeMap<>();
        for (JsonNode variable : r.container().path("env")) {
            if (variable.has("valueFrom")) {
                downward.put(variable.path("name").asText(), variable.at("/valueFrom/fieldRef/fieldPath").asText());
            }
        }
        assertThat(downward).containsExactlyEntriesOf(new TreeMap<>(Map.of("NODE_NAME", "spec.nodeName",
                "POD_IP", "status.podIP", "POD_NAME", "metadata.name", "POD_NAMESPACE", "metadata.namespace")));

        Rendering off = Chart.render("");
        assertThat(off.env("ECHO_WHOAMI_PORT")).isNull();
        assertThatThrownBy(() -> off.containerPort("whoami")).hasMessage("no container port named whoami");
        assertThat(off.echoService().at("/spec/ports")).hasSize(1);
    }

    /**
     * Each cloud preset: PROXY protocol is required exactly where the balancer is told to send it, and where it
     * is not, externalTrafficPolicy Local keeps the client's address; health checks that the balancer makes go
     * to the management port's readiness, never to the echo port.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({ "aws-nlb, required", "gcp, off", "azure, off", "digitalocean, required", "metallb, off" })
    void loadBalancerPresetsRenderWithTheirClientAddressStrategy(String preset, String proxyProtocol) throws IOException {
        Rendering r = Chart.render(Files.readString(Chart.DIR.resolve("presets").resolve(preset + ".yaml")));
        assertThat(r.env("ECHO_PROXY_PROTOCOL")).isEqualTo(proxyProtocol);
        Map<String, String> annotations = new TreeMap<>();
        r.echoService().at("/metadata/annotations").fields()
                .forEachRemaining(annotation -> annotations.put(annotation.getKey(), annotation.getValue().asText()));
        boolean balancerSendsHeaders = annotations.entrySet().stream().anyMatch(annotation ->
                annotation.getKey().endsWith("proxy-protocol") && List.of("*", "true").contains(annotation.getValue()));
        assertThat(balancerSendsHeaders).as("the balancer sends PROXY headers").isEqualTo(proxyProtocol.equals("required"));
        if (!balancerSendsHeaders) {
            assertThat(r.echoService().at("/spec/externalTrafficPolicy").asText()).isEqualTo("Local");
        }
        annotations.forEach((name, value) -> {
            if (name.endsWith("healthcheck-port")) {
                assertThat(Integer.parseInt(value)).isEqualTo(r.containerPort("management"));
            }
            if (name.endsWith("healthcheck-path")) {
                assertThat(value).isEqualTo("/q/health/ready");
            }
        });
    }

    @Test
    void loadBalancerOptionsAreRendered() {
        Rendering r = Chart.render("""
                service:
                  externalTrafficPolicy: Local
                  loadBalancerClass: service.k8s.aws/nlb
                  loadBalancerSourceRanges: [203.0.113.0/24, 2001:db8::/32]
                  annotations:
                    service.beta.kubernetes.io/aws-load-balancer-type: external
                  nodePort: 30007
                """);
        JsonNode spec = r.echoService().path("spec");
        assertThat(spec.path("externalTrafficPolicy").asText()).isEqualTo("Local");
        assertThat(spec.path("loadBalancerClass").asText()).isEqualTo("service.k8s.aws/nlb");
        assertThat(texts(spec.path("loadBalancerSourceRanges"))).containsExactly("203.0.113.0/24", "2001:db8::/32");
        assertThat(spec.at("/ports/0/nodePort").asInt()).isEqualTo(30007);
        assertThat(r.echoService().at("/metadata/annotations/service.beta.kubernetes.io~1aws-load-balancer-type").asText())
                .isEqualTo("external");
    }

    @Test
    void faultScenariosAreListenersOfTheirOwnOnTheServiceAndThePolicy() {
        Rendering r = Chart.render("""
                faults:
                  scenarios:
                    slow: {port: 7101, latencyMs: 200, jitterMs: 50, slicer: {averageSize: 100, delayMs: 0.5}}
                    reset: {port: 7102, servicePort: 9102, resetAfterBytes: 65536, probability: 0.25}
                  command: {enabled: true, timeoutSeconds: 3}
                  maxConnections: 2000
                networkPolicy: {enabled: true}
                """);
        assertThat(r.env("ECHO_FAULTS_MAX_CONNECTIONS")).isEqualTo("2000");
        assertThat(Chart.render("").env("ECHO_FAULTS_MAX_CONNECTIONS")).as("the default").isEqualTo("1000");
        assertThat(r.env("ECHO_FAULTS_SLOW_PORT")).isEqualTo("7101");
        assertThat(r.env("ECHO_FAULTS_SLOW_LATENCY")).isEqualTo("200ms");
        assertThat(r.env("ECHO_FAULTS_SLOW_JITTER")).isEqualTo("50ms");
        assertThat(r.env("ECHO_FAULTS_SLOW_SLICER_AVERAGE_SIZE")).isEqualTo("100");
        assertThat(r.env("ECHO_FAULTS_SLOW_SLICER_DELAY")).isEqualTo("0.5ms");
        assertThat(r.env("ECHO_FAULTS_SLOW_SLICER_SIZE_VARIATION")).isNull();
        assertThat(r.env("ECHO_FAULTS_RESET_RESET_AFTER_BYTES")).isEqualTo("65536");
        assertThat(r.env("ECHO_FAULTS_RESET_PROBABILITY")).isEqualTo("0.25");
        assertThat(r.env("ECHO_FAULTS_COMMAND_PORT")).isEqualTo("7110");
        assertThat(r.env("ECHO_FAULTS_COMMAND_TIMEOUT")).isEqualTo("3s");
        assertThat(r.containerPort("f-slow")).isEqualTo(7101);
        assertThat(r.containerPort("f-reset")).isEqualTo(7102);
        assertThat(r.containerPort("fault-command")).isEqualTo(7110);
        Map<String, Integer> servicePorts = new TreeMap<>();
        r.echoService().at("/spec/ports").forEach(port -> servicePorts.put(port.path("name").asText(), port.path("port").asInt()));
        assertThat(servicePorts).containsEntry("f-slow", 7101).containsEntry("f-reset", 9102).containsEntry("fault-command", 7110);
        r.echoService().at("/spec/ports").forEach(port -> assertThat(targetContainerPort(r, port)).isPositive());
        List<String> admitted = new ArrayList<>();
        r.get("NetworkPolicy", "tcp-echo").at("/spec/ingress/0/ports").forEach(port -> admitted.add(port.path("port").asText()));
        assertThat(admitted).contains("echo", "f-slow", "f-reset", "fault-command");
        assertThat(envNames(r).stream().filter(n -> n.startsWith("ECHO_"))).allMatch(ApplicationFacts::isSetting);
    }

    @Test
    void theFaultDrillPresetRendersTheStandardScenarios() throws IOException {
        Rendering r = Chart.render(Files.readString(Chart.DIR.resolve("presets").resolve("fault-drill.yaml")));
        assertThat(r.env("ECHO_FAULTS_SLOW_LATENCY")).isEqualTo("200ms");
        assertThat(r.env("ECHO_FAULTS_STALL_TIMEOUT")).isEqualTo("0ms");
        assertThat(r.env("ECHO_FAULTS_RESET_RESET_AFTER_BYTES")).isEqualTo("65536");
        assertThat(r.env("ECHO_FAULTS_TRUNCATE_LIMIT_DATA")).isEqualTo("65536");
        assertThat(r.env("ECHO_FAULTS_REFUSE_REFUSE")).isEqualTo("true");
        assertThat(r.env("ECHO_FAULTS_NOHALFCLOSE_NO_HALF_CLOSE")).isEqualTo("true");
        assertThat(r.env("ECHO_FAULTS_COMMAND_PORT")).isEqualTo("7110");
        assertThat(r.echoService().at("/spec/ports")).hasSize(8);
    }

    @Test
    void twoListenersOnOnePortFailWithBothNamed() {
        assertThatThrownBy(() -> Chart.render("faults: {scenarios: {slow: {port: 7007, latencyMs: 1}}}"))
                .hasMessageContaining("faults.scenarios.slow.port=7007 is echo.port too: give each listener a port of its own");
        assertThatThrownBy(() -> Chart.render("faults: {scenarios: {slow: {port: 7110, latencyMs: 1}}, command: {enabled: true}}"))
                .hasMessageContaining("faults.command.port=7110 is faults.scenarios.slow.port too");
        assertThatThrownBy(() -> Chart.render("{whoami: {enabled: true}, identity: {port: 7008}}"))
                .hasMessageContaining("identity.port=7008 is whoami.port too: give each listener a port of its own");
        assertThatThrownBy(() -> Chart.render("{identity: {port: 7101}, faults: {scenarios: {slow: {port: 7101, latencyMs: 1}}}}"))
                .hasMessageContaining("faults.scenarios.slow.port=7101 is identity.port too");
    }

    @Test
    void theIdentityListenerIsExposedOnItsPortAndAdmittedByTheNetworkPolicyWhenSet() {
        Rendering r = Chart.render("{identity: {port: 7009}, networkPolicy: {enabled: true}}");
        JsonNode ports = r.echoService().at("/spec/ports");
        assertThat(ports).hasSize(2);
        assertThat(ports.get(1).path("name").asText()).isEqualTo("identity");
        assertThat(ports.get(1).path("port").asInt()).as("the container port's number").isEqualTo(7009);
        assertThat(ports.get(1).path("protocol").asText()).isEqualTo("TCP");
        assertThat(targetContainerPort(r, ports.get(1))).isEqualTo(7009);
        assertThat(r.env("ECHO_IDENTITY_PORT")).isEqualTo("7009");
        assertThat(r.get("NetworkPolicy", "tcp-echo").at("/spec/ingress/0/ports/1/port").asText()).isEqualTo("identity");

        assertThat(Chart.render("identity: {port: 7009, servicePort: 9009}").echoService().at("/spec/ports/1/port").asInt())
                .isEqualTo(9009);

        Rendering off = Chart.render("");
        assertThat(off.env("ECHO_IDENTITY_PORT")).isNull();
        assertThatThrownBy(() -> off.containerPort("identity")).hasMessage("no container port named identity");
        assertThat(off.echoService().at("/spec/ports")).hasSize(1);
    }

    @Test
    void clusterIpServiceHasNoLoadBalancerFields() {
        Rendering r = Chart.render("""
                service:
                  type: ClusterIP
                  loadBalancerSourceRanges: [203.0.113.0/24]
                  nodePort: 30007
                """);
        JsonNode spec = r.echoService().path("spec");
        assertThat(spec.path("type").asText()).isEqualTo("ClusterIP");
        assertThat(spec.has("externalTrafficPolicy")).isFalse();
        assertThat(spec.has("loadBalancerSourceRanges")).isFalse();
        assertThat(spec.at("/ports/0").has("nodePort")).isFalse();
        assertThat(spec.at("/ports/0/port").asInt()).isEqualTo(7);
    }

    @Test
    void probesUseTheManagementEndpoints() {
        Rendering r = Chart.render("");
        JsonNode c = r.container();
        assertProbe(r, c.path("startupProbe"), "/q/health/started");
        assertProbe(r, c.path("livenessProbe"), "/q/health/live");
        assertProbe(r, c.path("readinessProbe"), "/q/health/ready");
    }

    @Test
    void containerPortsAndEnvironmentMatchTheApplicationConfiguration() {
        Rendering r = Chart.render("");
        assertThat(r.containerPort("echo")).isEqualTo(ApplicationFacts.propertiesDefault("echo.port"));
        assertThat(r.containerPort("management")).isEqualTo(ApplicationFacts.propertiesDefault("quarkus.management.port"));
        assertThat(r.container().path("ports")).hasSize(2);
        assertThat(r.env("ECHO_PORT")).isEqualTo("7007");
        assertThat(r.env("ECHO_HOST")).isEqualTo("0.0.0.0");
        assertThat(r.env("QUARKUS_MANAGEMENT_PORT")).isEqualTo("9000");
        assertThat(r.env("ECHO_DRAIN_TIMEOUT")).isEqualTo("30s");
        assertThat(r.env("QUARKUS_SHUTDOWN_DELAY")).isEqualTo("5s");
        assertThat(r.env("ECHO_IDLE_TIMEOUT")).isEqualTo("0s");
        // Unset optional settings keep the application's defaults.
        assertThat(r.env("ECHO_EVENT_LOOPS")).isNull();
        assertThat(r.env("ECHO_INSTANCES")).isNull();
        assertThat(r.env("ECHO_TCP_RECEIVE_BUFFER_SIZE")).isNull();
        // Every variable the chart sets is a key the application reads.
        assertThat(envNames(r).stream().filter(n -> n.startsWith("ECHO_"))).allMatch(ApplicationFacts::isSetting);
    }

    @Test
    void chartDefaultsAreTheApplicationDefaults() {
        // The chart writes every setting explicitly; by default it must not change the service's behaviour.
        Rendering r = Chart.render("");
        Map<String, String> defaults = new TreeMap<>();
        // A named group's settings (ECHO_FAULTS_*_...) exist only for the groups the values name.
        ApplicationFacts.echoSettings().forEach((variable, fallback) -> fallback.filter(value -> !variable.contains("*"))
                .ifPresent(value -> defaults.put(variable, value)));
        assertThat(defaults).containsKeys("ECHO_PORT", "ECHO_DRAIN_TIMEOUT", "ECHO_TCP_REUSE_PORT");
        defaults.forEach((variable, appDefault) -> assertThat(r.env(variable))
                .as("%s: chart default vs @WithDefault of EchoConfig", variable).isEqualTo(appDefault));
    }

    @Test
    void everyEchoSettingIsReachableThroughValues() {
        Rendering r = Chart.render("""
                echo:
                  port: 17007
                  host: "::"
                  eventLoops: 6
                  instances: 3
                  idleTimeout: 5m
                  maxConnections: 2000000
                  maxConnectionsPerClient: 50
                  memoryBudget: 96M
                  writeQueueHighWaterMark: 1048576
                  proxyProtocol: required
                  proxyProtocolTimeoutSeconds: 3
                  accessLog: true
                  drainTimeoutSeconds: 100
                  drainQuietCloseSeconds: 3
                  drainOnTimeout: reset
                  shutdownDelaySeconds: 12
                  tcp:
                    noDelay: false
                    keepAlive: true
                    keepAliveIdleSeconds: 300
                    keepAliveIntervalSeconds: 30
                    keepAliveCount: 4
                    receiveBufferSize: 256KiB
                    sendBufferSize: 268435456
                    reusePort: true
                    acceptBacklog: 4096
                whoami:
                  enabled: true
                  port: 17008
                identity:
                  port: 17010
                udp:
                  enabled: true
                  port: 17009
                  ratePerSource: 50
                  rateGlobal: 500
                tls:
                  clientAuth: request
                  engine: openssl
                management:
                  port: 19000
                jvm:
                  options: -Xss512k
                extraEnv:
                  - name: QUARKUS_LOG_LEVEL
                    value: DEBUG
                """);
        // The TLS echo's port: with TLS on, which PROXY protocol (on above) excludes.
        Rendering withTls = Chart.render("tls: {enabled: true, port: 17443, secretName: echo-cert}");
        // A fault scenario with every fault (the chart does not judge how they combine; the application does).
        Rendering withFaults = Chart.render("""
                faults:
                  scenarios:
                    every: {port: 7101, latencyMs: 200, jitterMs: 50, bandwidth: 65536, timeoutMs: 1000,
                      slicer: {averageSize: 100, sizeVariation: 10, delayMs: 1}, resetAfterBytes: 1, resetPeerMs: 1,
                      limitData: 1, slowCloseMs: 1, noHalfClose: true, firstByteDelayMs: 1, corruptEvery: 1,
                      refuse: true, probability: 0.5}
                  command: {enabled: true}
                """);
        Set<String> echoVariables = Stream.of(r, withTls, withFaults).flatMap(rendering -> envNames(rendering).stream())
                .filter(n -> n.startsWith("ECHO_")).map(n -> n.replace("ECHO_FAULTS_EVERY_", "ECHO_FAULTS_*_"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(echoVariables)
                .as("one value per setting of io.tcpecho.config.EchoConfig")
                .isEqualTo(ApplicationFacts.echoSettings().keySet());
        assertThat(Map.ofEntries(
                Map.entry("ECHO_PORT", r.env("ECHO_PORT")),
                Map.entry("ECHO_HOST", r.env("ECHO_HOST")),
                Map.entry("ECHO_EVENT_LOOPS", r.env("ECHO_EVENT_LOOPS")),
                Map.entry("ECHO_INSTANCES", r.env("ECHO_INSTANCES")),
                Map.entry("ECHO_IDLE_TIMEOUT", r.env("ECHO_IDLE_TIMEOUT")),
                Map.entry("ECHO_MAX_CONNECTIONS", r.env("ECHO_MAX_CONNECTIONS")),
                Map.entry("ECHO_MAX_CONNECTIONS_PER_CLIENT", r.env("ECHO_MAX_CONNECTIONS_PER_CLIENT")),
                Map.entry("ECHO_MEMORY_BUDGET", r.env("ECHO_MEMORY_BUDGET")),
                Map.entry("ECHO_WRITE_QUEUE_HIGH_WATER_MARK", r.env("ECHO_WRITE_QUEUE_HIGH_WATER_MARK")),
                Map.entry("ECHO_ACCESS_LOG", r.env("ECHO_ACCESS_LOG")),
                Map.entry("ECHO_WHOAMI_PORT", r.env("ECHO_WHOAMI_PORT")),
                Map.entry("ECHO_IDENTITY_PORT", r.env("ECHO_IDENTITY_PORT")),
                Map.entry("ECHO_UDP_PORT", r.env("ECHO_UDP_PORT")),
                Map.entry("ECHO_UDP_RATE_PER_SOURCE", r.env("ECHO_UDP_RATE_PER_SOURCE")),
                Map.entry("ECHO_UDP_RATE_GLOBAL", r.env("ECHO_UDP_RATE_GLOBAL")),
                Map.entry("ECHO_TLS_PORT", withTls.env("ECHO_TLS_PORT")),
                Map.entry("ECHO_TLS_CLIENT_AUTH", r.env("ECHO_TLS_CLIENT_AUTH")),
                Map.entry("ECHO_TLS_ENGINE", r.env("ECHO_TLS_ENGINE")),
                Map.entry("ECHO_TLS_CONFIGURATION_NAME", r.env("ECHO_TLS_CONFIGURATION_NAME")),
                Map.entry("ECHO_PROXY_PROTOCOL", r.env("ECHO_PROXY_PROTOCOL")),
                Map.entry("ECHO_PROXY_PROTOCOL_TIMEOUT", r.env("ECHO_PROXY_PROTOCOL_TIMEOUT")),
                Map.entry("ECHO_DRAIN_TIMEOUT", r.env("ECHO_DRAIN_TIMEOUT")),
                Map.entry("ECHO_DRAIN_QUIET_CLOSE", r.env("ECHO_DRAIN_QUIET_CLOSE")),
                Map.entry("ECHO_DRAIN_ON_TIMEOUT", r.env("ECHO_DRAIN_ON_TIMEOUT")),
                Map.entry("QUARKUS_SHUTDOWN_DELAY", r.env("QUARKUS_SHUTDOWN_DELAY")),
                Map.entry("ECHO_TCP_NO_DELAY", r.env("ECHO_TCP_NO_DELAY")),
                Map.entry("ECHO_TCP_KEEP_ALIVE", r.env("ECHO_TCP_KEEP_ALIVE")),
                Map.entry("ECHO_TCP_KEEP_ALIVE_IDLE", r.env("ECHO_TCP_KEEP_ALIVE_IDLE")),
                Map.entry("ECHO_TCP_KEEP_ALIVE_INTERVAL", r.env("ECHO_TCP_KEEP_ALIVE_INTERVAL")),
                Map.entry("ECHO_TCP_KEEP_ALIVE_COUNT", r.env("ECHO_TCP_KEEP_ALIVE_COUNT")),
                Map.entry("ECHO_TCP_RECEIVE_BUFFER_SIZE", r.env("ECHO_TCP_RECEIVE_BUFFER_SIZE")),
                Map.entry("ECHO_TCP_SEND_BUFFER_SIZE", r.env("ECHO_TCP_SEND_BUFFER_SIZE")),
                Map.entry("ECHO_TCP_REUSE_PORT", r.env("ECHO_TCP_REUSE_PORT")),
                Map.entry("ECHO_TCP_ACCEPT_BACKLOG", r.env("ECHO_TCP_ACCEPT_BACKLOG")),
                Map.entry("QUARKUS_MANAGEMENT_PORT", r.env("QUARKUS_MANAGEMENT_PORT")),
                Map.entry("JDK_JAVA_OPTIONS", r.env("JDK_JAVA_OPTIONS")),
                Map.entry("QUARKUS_LOG_LEVEL", r.env("QUARKUS_LOG_LEVEL"))))
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("ECHO_PORT", "17007"),
                        Map.entry("ECHO_HOST", "::"),
                        Map.entry("ECHO_EVENT_LOOPS", "6"),
                        Map.entry("ECHO_INSTANCES", "3"),
                        Map.entry("ECHO_IDLE_TIMEOUT", "5m"),
                        Map.entry("ECHO_MAX_CONNECTIONS", "2000000"),
                        Map.entry("ECHO_MAX_CONNECTIONS_PER_CLIENT", "50"),
                        Map.entry("ECHO_MEMORY_BUDGET", "96M"),
                        Map.entry("ECHO_WRITE_QUEUE_HIGH_WATER_MARK", "1048576"),
                        Map.entry("ECHO_ACCESS_LOG", "true"),
                        Map.entry("ECHO_WHOAMI_PORT", "17008"),
                        Map.entry("ECHO_IDENTITY_PORT", "17010"),
                        Map.entry("ECHO_UDP_PORT", "17009"),
                        Map.entry("ECHO_UDP_RATE_PER_SOURCE", "50"),
                        Map.entry("ECHO_TLS_PORT", "17443"),
                        Map.entry("ECHO_TLS_CLIENT_AUTH", "request"),
                        Map.entry("ECHO_TLS_ENGINE", "openssl"),
                        Map.entry("ECHO_TLS_CONFIGURATION_NAME", "echo"),
                        Map.entry("ECHO_UDP_RATE_GLOBAL", "500"),
                        Map.entry("ECHO_PROXY_PROTOCOL", "required"),
                        Map.entry("ECHO_PROXY_PROTOCOL_TIMEOUT", "3s"),
                        Map.entry("ECHO_DRAIN_TIMEOUT", "100s"),
                        Map.entry("ECHO_DRAIN_QUIET_CLOSE", "3s"),
                        Map.entry("ECHO_DRAIN_ON_TIMEOUT", "reset"),
                        Map.entry("QUARKUS_SHUTDOWN_DELAY", "12s"),
                        Map.entry("ECHO_TCP_NO_DELAY", "false"),
                        Map.entry("ECHO_TCP_KEEP_ALIVE", "true"),
                        Map.entry("ECHO_TCP_KEEP_ALIVE_IDLE", "300s"),
                        Map.entry("ECHO_TCP_KEEP_ALIVE_INTERVAL", "30s"),
                        Map.entry("ECHO_TCP_KEEP_ALIVE_COUNT", "4"),
                        Map.entry("ECHO_TCP_RECEIVE_BUFFER_SIZE", "256KiB"),
                        // A number as a whole number of bytes, though Helm reads it as a float.
                        Map.entry("ECHO_TCP_SEND_BUFFER_SIZE", "268435456"),
                        Map.entry("ECHO_TCP_REUSE_PORT", "true"),
                        Map.entry("ECHO_TCP_ACCEPT_BACKLOG", "4096"),
                        Map.entry("QUARKUS_MANAGEMENT_PORT", "19000"),
                        Map.entry("JDK_JAVA_OPTIONS", "-Xss512k"),
                        Map.entry("QUARKUS_LOG_LEVEL", "DEBUG")));
        // The grace period follows the drain settings: 12 s delay + 100 s drain + margin.
        assertThat(gracePeriod(r)).isGreaterThan(Duration.ofSeconds(112));
    }

    @Test
    void aBareYamlOffForProxyProtocolMeansOff() {
        // YAML 1.1, which Helm reads values with, turns an unquoted off into false.
        assertThat(Chart.render("echo: {proxyProtocol: off}").env("ECHO_PROXY_PROTOCOL")).isEqualTo("off");
    }

    @Test
    void customPortsFlowToServicesProbesAndEnvironment() {
        Rendering r = Chart.render("""
                echo: {port: 17007}
                management: {port: 19000}
                service: {port: 7777}
                managementService: {port: 9100}
                """);
        assertThat(r.containerPort("echo")).isEqualTo(17007);
        assertThat(r.containerPort("management")).isEqualTo(19000);
        assertThat(r.env("ECHO_PORT")).isEqualTo("17007");
        assertThat(r.env("QUARKUS_MANAGEMENT_PORT")).isEqualTo("19000");
        assertThat(r.echoService().at("/spec/ports/0/port").asInt()).isEqualTo(7777);
        assertThat(targetContainerPort(r, r.echoService().at("/spec/ports/0"))).isEqualTo(17007);
        assertThat(r.managementService().at("/spec/ports/0/port").asInt()).isEqualTo(9100);
        assertThat(targetContainerPort(r, r.managementService().at("/spec/ports/0"))).isEqualTo(19000);
        assertProbe(r, r.container().path("readinessProbe"), "/q/health/ready");
        // The helm test goes through the Service, on the Service's port.
        assertThat(texts(r.get("Pod", "tcp-echo-test").at("/spec/containers/0/command")))
                .contains("tcp-echo.echo.svc:7777");
    }

    @Test
    void securityContextIsStrict() {
        Rendering r = Chart.render("");
        JsonNode pod = r.deployment().at("/spec/template/spec");
        JsonNode container = r.container().path("securityContext");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(container.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.path("privileged").asBoolean()).isFalse();
        assertThat(texts(container.at("/capabilities/drop"))).containsExactly("ALL");
        assertThat(container.at("/capabilities").has("add")).isFalse();
        assertThat(container.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        // The read-only root needs a writable /tmp, from an emptyDir.
        JsonNode tmpMount = find(r.container().path("volumeMounts"), m -> "/tmp".equals(m.path("mountPath").asText()));
        JsonNode tmpVolume = find(pod.path("volumes"), v -> tmpMount.path("name").asText().equals(v.path("name").asText()));
        assertThat(tmpVolume.has("emptyDir")).isTrue();
        assertThat(r.container().at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(r.container().at("/resources/requests/cpu").asText()).isNotBlank();
        // The helm test pod is just as locked down.
        JsonNode test = r.get("Pod", "tcp-echo-test").at("/spec/containers/0/securityContext");
        assertThat(test.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(test.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    }

    @Test
    void gracePeriodExceedsShutdownDelayPlusDrainTimeout() {
        Rendering r = Chart.render("");
        Duration delayAndDrain = quarkusDuration(r.env("QUARKUS_SHUTDOWN_DELAY"))
                .plus(quarkusDuration(r.env("ECHO_DRAIN_TIMEOUT")));
        assertThat(delayAndDrain).isEqualTo(Duration.ofSeconds(35));
        assertThat(gracePeriod(r)).isGreaterThan(delayAndDrain);
        assertThat(r.env("QUARKUS_SHUTDOWN_DELAY_ENABLED")).isEqualTo("true");

        assertThat(gracePeriod(Chart.render("terminationGracePeriodSeconds: 36"))).isEqualTo(Duration.ofSeconds(36));
        assertThatThrownBy(() -> Chart.render("terminationGracePeriodSeconds: 35"))
                .hasMessageContaining("must exceed echo.shutdownDelaySeconds + echo.drainTimeoutSeconds");
        assertThatThrownBy(() -> Chart.render("{terminationGracePeriodSeconds: 60, echo: {drainTimeoutSeconds: 60}}"))
                .hasMessageContaining("must exceed");
    }

    @ParameterizedTest(name = "limits.memory={0}")
    @ValueSource(strings = { "256Mi", "268435456", "512Mi", "1Gi", "300M", "2G" })
    void memoryLimitsOfAtLeast256MiAreAccepted(String limit) {
        Rendering r = Chart.render("resources: {limits: {memory: %s}}".formatted(limit));
        assertThat(r.container().at("/resources/limits/memory").asText()).isEqualTo(limit);
    }

    @Test
    void memoryLimitIsRequiredAndAtLeast256Mi() {
        // The JVM sizes heap and direct memory as fractions of the limit; below 256Mi the rest does not fit.
        assertThatThrownBy(() -> Chart.render("resources: {limits: {memory: 255Mi}}"))
                .hasMessageContaining("resources.limits.memory=255Mi is below 256Mi");
        assertThatThrownBy(() -> Chart.render("resources: {limits: {memory: 268435455}}"))
                .hasMessageContaining("is below 256Mi");
        assertThatThrownBy(() -> Chart.render("resources: {limits: {memory: 0.5Gi}}"))
                .hasMessageContaining("resources.limits.memory=0.5Gi: use a whole number");
        assertThatThrownBy(() -> Chart.render("resources: {limits: {cpu: 1, memory: null}}"))
                .hasMessageContaining("memory");
        assertThatThrownBy(() -> Chart.render("resources: null")).hasMessageContaining("limits");
    }

    @Test
    void autoscalerReplacesTheFixedReplicaCount() {
        Rendering r = Chart.render("autoscaling: {enabled: true, minReplicas: 3, maxReplicas: 12}");
        ObjectNode hpa = r.get("HorizontalPodAutoscaler", "tcp-echo");
        assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(r.deployment().at("/metadata/name").asText());
        assertThat(hpa.at("/spec/minReplicas").asInt()).isEqualTo(3);
        assertThat(hpa.at("/spec/maxReplicas").asInt()).isEqualTo(12);
        assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
        assertThat(r.deployment().at("/spec").has("replicas")).isFalse();
        assertThat(Chart.render("").ofKind("HorizontalPodAutoscaler")).isEmpty();
    }

    @Test
    void serviceMonitorScrapesMetricsOnTheManagementServiceOnly() {
        Rendering r = Chart.render("serviceMonitor: {enabled: true, labels: {release: prometheus}}");
        ObjectNode monitor = r.get("ServiceMonitor", "tcp-echo");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(endpoint.path("port").asText()).isEqualTo(r.managementService().at("/spec/ports/0/name").asText());
        JsonNode selector = monitor.at("/spec/selector/matchLabels");
        assertThat(matches(selector, r.managementService().at("/metadata/labels"))).isTrue();
        assertThat(matches(selector, r.echoService().at("/metadata/labels"))).isFalse();
        assertThat(texts(monitor.at("/spec/namespaceSelector/matchNames"))).containsExactly(Chart.NAMESPACE);
        assertThat(Chart.render("").ofKind("ServiceMonitor")).isEmpty();
    }

    @Test
    void networkPolicyAdmitsOnlyTheEchoAndManagementPorts() {
        Rendering r = Chart.render("""
                networkPolicy:
                  enabled: true
                  managementFrom:
                    - namespaceSelector:
                        matchLabels: {kubernetes.io/metadata.name: monitoring}
                """);
        ObjectNode policy = r.get("NetworkPolicy", "tcp-echo");
        assertSelectsThePods(r, policy.at("/spec/podSelector/matchLabels"));
        assertThat(texts(policy.at("/spec/policyTypes"))).containsExactly("Ingress");
        List<String> ports = new ArrayList<>();
        for (JsonNode rule : policy.at("/spec/ingress")) {
            for (JsonNode port : rule.path("ports")) {
                assertThat(port.path("protocol").asText()).isEqualTo("TCP");
                ports.add(port.path("port").asText());
                r.containerPort(port.path("port").asText()); // a named port of the container
            }
        }
        assertThat(ports).containsExactlyInAnyOrder("echo", "management");
        assertThat(policy.at("/spec/ingress/1/from/0/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText())
                .isEqualTo("monitoring");
        assertThat(policy.at("/spec/ingress/0").has("from")).as("echo open to all by default").isFalse();
        assertThat(Chart.render("").ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    void helmTestSendsThroughTheServiceAndChecksTheEcho() throws IOException {
        Rendering r = Chart.render("");
        ObjectNode pod = r.get("Pod", "tcp-echo-test");
        assertThat(pod.path("metadata").path("annotations").path(Chart.HOOK_ANNOTATION).asText()).isEqualTo("test");
        assertThat(pod.at("/spec/restartPolicy").asText()).isEqualTo("Never");
        // The shipped load client's bulk workload half-closes and verifies every byte and the EOF.
        assertThat(texts(pod.at("/spec/containers/0/command"))).containsSubsequence("java", "-jar", "quarkus-run.jar",
                "load", "bulk", "--target", "tcp-echo.echo.svc:7", "--size", "262144", "--timeout", "60s");
        assertThat(texts(pod.at("/spec/containers/0/command"))).doesNotContain("--no-half-close");
        assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo(r.container().path("image").asText());
        assertThat(Chart.render("tests: {enabled: false}").ofKind("Pod")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "service: {port: seven}",
            "service: {port: 70000}",
            "service: {type: Ingress}",
            "service: {externalTrafficPolicy: local}",
            "service: {loadBalancerSourceRanges: [everyone]}",
            "replicaCount: \"2\"",
            "echo: {port: \"7007\"}",
            "echo: {drainTimeoutSeconds: 30s}",
            "echo: {idleTimeout: soon}",
            "echo: {tcp: {noDelay: \"yes\"}}",
            "echo: {maxConnectionsPerClient: -1}",
            "echo: {memoryBudget: lots}",
            "echo: {tcp: {keepAliveIdleSeconds: 0}}",
            "echo: {tcp: {keepAliveCount: 128}}",
            "echo: {proxyProtocol: v2}",
            "echo: {proxyProtocol: true}",
            "echo: {proxyProtocolTimeoutSeconds: 0}",
            "echo: {accessLog: \"yes\"}",
            "whoami: {port: 0}",
            "identity: {port: 0}",
            "echo: {drainOnTimeout: abort}",
            "echo: {drainQuietCloseSeconds: -1}",
            "identity: {enabled: true}",
            "udp: {ratePerSource: 0}",
            "udp: {servicePort: 70000}",
            "tls: {clientAuth: maybe}",
            "tls: {engine: boringssl}",
            "tls: {reloadPeriod: every minute}",
            "tls: {secretName: My_Secret}",
            "tls: {certManager: {duration: 90d}}",
            "whoami: {enabled: \"true\"}",
            "autoscaling: {enabled: 1}",
            "serviceMonitor: {interval: often}",
            "image: {pullPolicy: Sometimes}",
            "ports: {echo: 7}",
            "faults: {scenarios: {Slow: {port: 7101, latencyMs: 1}}}",
            "faults: {scenarios: {command: {port: 7101, refuse: true}}}",
            "faults: {scenarios: {averyveryverylongname: {port: 7101, refuse: true}}}",
            "faults: {scenarios: {slow: {latencyMs: 200}}}",
            "faults: {scenarios: {slow: {port: 7101, latencyMs: 600001}}}",
            "faults: {scenarios: {slow: {port: 7101, latency: 200ms}}}",
            "faults: {scenarios: {slow: {port: 7101, probability: 1.5}}}",
            "faults: {scenarios: {slow: {port: 7101, corruptEvery: 0}}}",
            "faults: {scenarios: {slow: {port: 7101, refuse: \"yes\"}}}",
            "faults: {scenarios: {slow: {port: 7101, slicer: {delayMs: 1}}}}",
            "faults: {command: {timeoutSeconds: 0}}",
            "tls: {faultsBySni: 1}",
            "loadJob: {workload: nosuch}",
            "loadJob: {workload: udp}",
            "loadJob: {workload: merge}",
            "loadJob: {shards: 0}",
            "loadJob: {target: lb.example.com}",
            "loadJob: {options: [-c, 640]}",
            "loadJob: {barrierPort: 0}",
    })
    void schemaRejectsWrongValues(String values) {
        assertThatThrownBy(() -> Chart.render(values)).hasMessageContaining("values don't meet the specifications of the schema");
    }

    // ----------------------------------------------------------------------------------------------

    private static void assertProbe(Rendering r, JsonNode probe, String path) {
        assertThat(probe.at("/httpGet/path").asText()).isEqualTo(path);
        JsonNode port = probe.at("/httpGet/port");
        int number = port.isInt() ? port.asInt() : r.containerPort(port.asText());
        assertThat(number).as("probe %s on the management port", path)
                .isEqualTo(Integer.parseInt(r.env("QUARKUS_MANAGEMENT_PORT")));
    }

    private static int targetContainerPort(Rendering r, JsonNode servicePort) {
        JsonNode target = servicePort.path("targetPort");
        return target.isInt() ? target.asInt() : r.containerPort(target.asText());
    }

    private static void assertSelectsThePods(Rendering r, JsonNode selector) {
        assertThat(selector.size()).isPositive();
        assertThat(matches(selector, r.deployment().at("/spec/template/metadata/labels"))).as("selects the pods").isTrue();
    }

    static boolean matches(JsonNode selector, JsonNode labels) {
        return StreamSupport.stream(((Iterable<Map.Entry<String, JsonNode>>) selector::fields).spliterator(), false)
                .allMatch(e -> e.getValue().asText().equals(labels.path(e.getKey()).asText(null)));
    }

    private static Duration gracePeriod(Rendering r) {
        return Duration.ofSeconds(r.deployment().at("/spec/template/spec/terminationGracePeriodSeconds").asLong());
    }

    /** Parses the simple Quarkus durations the chart writes ("30s", "5m"). */
    static Duration quarkusDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value);
        assertThat(m.matches()).as("duration %s", value).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static JsonNode find(JsonNode array, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode n : array) {
            if (test.test(n)) {
                return n;
            }
        }
        throw new AssertionError("not found in " + array);
    }

    private static List<String> envNames(Rendering r) {
        List<String> names = new ArrayList<>();
        r.container().path("env").forEach(var -> names.add(var.path("name").asText()));
        return names;
    }
}
