package io.tcpecho.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.vertx.core.json.JsonObject;

/** What the drills assert of {@code load steady}'s report ({@code --identity}) after a rollout. */
public final class RolloutReport {

    private RolloutReport() {
    }

    /**
     * A rolling update that broke nothing: no failed connect, no broken connection, no lost byte, every probe through
     * with no outage of new connections; every connection on an old pod (of {@code oldPods}) ended by the server
     * between messages and replaced, and all {@code connections} lasting to the end on new pods.
     */
    public static void assertNothingLost(JsonObject report, int connections, List<Pod> oldPods) {
        String all = report.encodePrettily();
        assertThat(report.getJsonObject("failedConnects").getLong("total")).as(all).isZero();
        assertThat(report.getLong("broken")).as(all).isZero();
        assertThat(report.getLong("lostBytes")).as(all).isZero();
        JsonObject fresh = report.getJsonObject("newConnections");
        assertThat(fresh.getLong("probesOk")).as("every probe through: %s", all).isEqualTo(fresh.getLong("probes"))
                .isPositive();
        assertThat(fresh.getJsonArray("outages")).as(all).isEmpty();

        JsonObject ended = report.getJsonObject("ended");
        assertThat(ended.fieldNames()).as(all).containsOnly("server-fin-between-messages", "client-closed");
        long drained = ended.getLong("server-fin-between-messages");
        assertThat(drained).as("connections the drains ended: %s", all).isGreaterThanOrEqualTo(connections);
        assertThat(ended.getLong("client-closed")).isEqualTo(connections);
        assertThat(report.getLong("connectionsOpened")).as("each drained one replaced: %s", all)
                .isEqualTo(drained + connections);
        JsonObject backends = report.getJsonObject("backends");
        long lastingOnNew = 0;
        for (String pod : backends.fieldNames()) {
            JsonObject row = backends.getJsonObject(pod);
            if (oldPods.stream().anyMatch(old -> old.name().equals(pod))) {
                assertThat(row.getLong("lasting")).as("%s: %s", pod, row).isZero();
                assertThat(row.getJsonObject("ended").fieldNames()).as("%s: %s", pod, row)
                        .containsOnly("server-fin-between-messages");
                assertThat(row.getJsonObject("ended").getLong("server-fin-between-messages"))
                        .isEqualTo(row.getLong("connections"));
            } else {
                assertThat(row.getLong("lasting")).as("%s: %s", pod, row).isEqualTo(row.getLong("connections"));
                lastingOnNew += row.getLong("lasting");
            }
        }
        assertThat(lastingOnNew).as("the connections at the end, all on new pods: %s", backends).isEqualTo(connections);
    }
}
