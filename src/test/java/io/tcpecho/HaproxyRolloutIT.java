package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import io.tcpecho.testing.HaproxyRotation;
import io.tcpecho.testing.Pod;
import io.tcpecho.testing.RollingUpdate;
import io.tcpecho.testing.RolloutReport;
import io.tcpecho.testing.ServerProcess;
import io.tcpecho.testing.SteadyProcess;
import io.vertx.core.json.JsonObject;

/**
 * Rollout drills behind HAProxy 2.6 ({@link HaproxyRotation}, health checks on the readiness endpoint): three pods of
 * the packaged server on loopback, {@code load steady --identity} through the balancer. A rolling update breaks nothing;
 * a server taken to maintenance with its sessions shut through the runtime API ends its connections, and their
 * replacements go to the others.
 */
@ResourceLock(value = ServerProcess.PACKAGED_APP, mode = ResourceAccessMode.READ)
class HaproxyRolloutIT {

    private static final Duration UP = Duration.ofSeconds(30);

    /** One balancer for the drills, to save the machine pod starts; each drill takes the pods in it as it finds them. */
    private static HaproxyRotation haproxy;
    /** The pods in HAProxy's rotation now. */
    private static List<Pod> pods;

    @BeforeAll
    static void startPods() throws Exception {
        // Slots for the first three pods and the three of a rolling update.
        haproxy = HaproxyRotation.start("rollout", 6);
        pods = RollingUpdate.startAll(haproxy, RollingUpdate.names(3));
    }

    @AfterAll
    static void stopPods() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
    }

    private static SteadyProcess steady(String... budgets) throws Exception {
        return SteadyProcess.start(List.of(), "127.0.0.1:" + haproxy.port(), RollingUpdate.CONNECTIONS,
                RollingUpdate.workload(budgets)).awaitAllUp(UP);
    }

    @Test
    void aRollingUpdateLosesNothing() throws Exception {
        JsonObject report;
        List<Pod> old = pods;
        try (SteadyProcess load = steady("--max-failed-connects", "0", "--max-lost-bytes", "0", "--max-broken", "0")) {
            pods = RollingUpdate.roll(haproxy, old, RollingUpdate.names(old.size()));
            load.awaitAllUp(UP);
            report = load.stop();
        }
        RolloutReport.assertNothingLost(report, RollingUpdate.CONNECTIONS, old);
    }

    @Test
    void aServerTakenToMaintenanceEndsItsConnectionsAndNewOnesGoToTheOthers() throws Exception {
        JsonObject report;
        Pod maintained;
        long sessions;
        try (SteadyProcess load = steady()) {
            maintained = pods.stream().filter(pod -> haproxy.sessions(pod) > 0).findFirst().orElseThrow();
            sessions = haproxy.sessions(maintained);
            haproxy.maintain(maintained);
            assertThat(haproxy.status(maintained)).isEqualTo("MAINT");
            load.awaitAllUp(UP);
            report = load.stop();
        }
        Pod out = maintained;
        pods = pods.stream().filter(pod -> !pod.equals(out)).toList();
        String all = report.encodePrettily();
        JsonObject backends = report.getJsonObject("backends");
        JsonObject row = backends.getJsonObject(maintained.name());
        assertThat(row).as("a row for %s: %s", maintained.name(), all).isNotNull();
        assertThat(row.getLong("lasting")).as(all).isZero();
        assertThat(row.getLong("connections")).as("its connections, all ended by the shutdown: %s", all)
                .isGreaterThanOrEqualTo(sessions);
        assertThat(row.getJsonObject("ended").fieldNames()).as(all).isNotEmpty().doesNotContain("client-closed");
        report.getJsonArray("brokenConnections").forEach(b -> assertThat(((JsonObject) b).getString("pod"))
                .isEqualTo(maintained.name()));
        long lastingOnOthers = 0;
        for (String pod : backends.fieldNames()) {
            if (!pod.equals(maintained.name())) {
                JsonObject other = backends.getJsonObject(pod);
                assertThat(other.getJsonObject("ended").fieldNames()).as("%s: %s", pod, all).containsOnly("client-closed");
                lastingOnOthers += other.getLong("lasting");
            }
        }
        assertThat(lastingOnOthers).as("the replacements, all on the others: %s", all)
                .isEqualTo(RollingUpdate.CONNECTIONS);
        assertThat(report.getJsonObject("failedConnects").getLong("total")).as(all).isZero();
    }
}
