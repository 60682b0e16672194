package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.tcpecho.testing.Pod;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.RollingUpdate;
import io.tcpecho.testing.RolloutReport;
import io.tcpecho.testing.ServiceDataplane;
import io.tcpecho.testing.SteadyProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Rollout drills through a Kubernetes Service on one machine ({@link ServiceDataplane}): three pods of the packaged
 * server behind a ClusterIP, {@code load steady} in the node's namespace with {@code --identity}. A rolling update
 * breaks nothing; a SIGKILL breaks what the report puts on the killed pod, while the dataplane's own record says it was
 * dead and still in the map.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class ServiceRolloutIT {

    private static final Duration UP = Duration.ofSeconds(30);

    /** One Service for the drills, to save the machine pod starts; each drill takes the pods in it as it finds them. */
    private static ServiceDataplane service;
    /** The pods in the Service now. */
    private static List<Pod> pods;

    @BeforeAll
    static void startPods() throws Exception {
        service = ServiceDataplane.create();
        pods = RollingUpdate.startAll(service, RollingUpdate.names(3));
    }

    @AfterAll
    static void removeDataplane() {
        if (service != null) {
            service.close();
        }
    }

    private static SteadyProcess steady(String... budgets) throws Exception {
        return SteadyProcess.start(service.launcher(), ServiceDataplane.CLUSTER_IP + ":" + ServiceDataplane.PORT,
                RollingUpdate.CONNECTIONS, RollingUpdate.workload(budgets)).awaitAllUp(UP);
    }

    @Test
    void aRollingUpdateLosesNothing() throws Exception {
        JsonObject report;
        List<Pod> old = pods;
        try (SteadyProcess load = steady("--max-failed-connects", "0", "--max-lost-bytes", "0", "--max-broken", "0")) {
            pods = RollingUpdate.roll(service, old, RollingUpdate.names(old.size()));
            load.awaitAllUp(UP);
            report = load.stop();
        }
        RolloutReport.assertNothingLost(report, RollingUpdate.CONNECTIONS, old);
    }

    @Test
    void aKilledPodsBreakageIsOnItAndWithinItsTimeDeadInTheMap() throws Exception {
        JsonObject report;
        Map<String, Long> resetsBefore;
        Map<String, Long> resets;
        Pod killed;
        Instant died;
        try (SteadyProcess load = steady()) {
            killed = pods.stream().filter(service::hasEstablishedConnections).findFirst().orElseThrow();
            resetsBefore = service.resetsSent();
            died = Instant.now();
            killed.server().kill();
            service.awaitOut(killed);
            resets = service.resetsSent();
            load.awaitAllUp(UP);
            report = load.stop();
        }
        List<Pod> survivors = pods.stream().filter(pod -> !pod.equals(killed)).toList();
        pods = survivors;
        Instant left = service.record().stream().filter(c -> c.pod().equals(killed.name()) && !c.entered())
                .map(ServiceDataplane.Change::at).findFirst().orElseThrow();
        assertThat(left).as("the pod left the map after it died").isAfter(died);
        String table = report.encodePrettily();

        // The dead pod's connections ended, and nothing else did; every broken one was on it.
        JsonObject backends = report.getJsonObject("backends");
        JsonObject row = backends.getJsonObject(killed.name());
        assertThat(row).as("a row for %s: %s", killed.name(), table).isNotNull();
        assertThat(row.getLong("connections")).isPositive();
        assertThat(row.getLong("lasting")).isZero();
        for (String pod : backends.fieldNames()) {
            if (!pod.equals(killed.name())) {
                assertThat(backends.getJsonObject(pod).getJsonObject("ended").fieldNames()).as("%s: %s", pod, table)
                        .containsOnly("client-closed");
            }
        }
        report.getJsonArray("brokenConnections").forEach(b -> assertThat(((JsonObject) b).getString("pod"))
                .isEqualTo(killed.name()));

        // Failed connects and probes: refused by the dead pod's kernel, the only pod that sent resets.
        long failedProbes = report.getJsonObject("newConnections").getLong("probes")
                - report.getJsonObject("newConnections").getLong("probesOk");
        assertThat(report.getJsonObject("failedConnects").getLong("total") + failedProbes)
                .as("new connections met the dead pod while it was in the map: %s", table).isPositive();
        assertThat(resets.get(killed.name()) - resetsBefore.get(killed.name())).as("resets from %s", killed.name())
                .isPositive();
        for (Pod survivor : survivors) {
            assertThat(resets.get(survivor.name()) - resetsBefore.get(survivor.name())).as("resets from %s", survivor.name())
                    .isZero();
        }

        // The new connections' outage is the time the dataplane had the dead pod in its map. Tolerance: a failed
        // attempt may have begun before the kill (a probe under way when it came), and after the pod left the map the
        // next attempt, a probe interval later at most, succeeds; the updater's poll interval on top is the margin for
        // a client or a dataplane that runs late on a busy machine (both clocks are this machine's).
        Duration tolerance = ServiceDataplane.READINESS_POLL.plus(RollingUpdate.PROBE_INTERVAL);
        JsonArray outages = report.getJsonObject("newConnections").getJsonArray("outages");
        assertThat(outages).as(table).isNotEmpty();
        outages.forEach(o -> {
            JsonObject window = (JsonObject) o;
            assertThat(Instant.parse(window.getString("start"))).as("%s, died %s", window, died)
                    .isAfterOrEqualTo(died.minus(tolerance));
            assertThat(Instant.parse(window.getString("end"))).as("%s, left the map %s", window, left)
                    .isBeforeOrEqualTo(left.plus(tolerance));
        });
    }
}
