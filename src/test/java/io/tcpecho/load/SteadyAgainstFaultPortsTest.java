package io.tcpecho.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.echo.EchoServer;
import io.tcpecho.testing.LoadClient;
import io.tcpecho.testing.LoadClient.Outcome;
import io.tcpecho.testing.TlsProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code load steady} against the real server: its plain port loses nothing, and its fault ports' faults are the
 * disruptions they are, each at exactly its byte: {@code reset-after-bytes} a reset, {@code limit-data} the server's
 * FIN with a message in flight, {@code refuse} connections reset at accept, no probe through.
 */
@QuarkusTest
@TestProfile(TlsProfile.class)
class SteadyAgainstFaultPortsTest {

    @Inject
    EchoServer server;

    private static JsonObject steady(int port, String... options) {
        List<String> args = new ArrayList<>(List.of("steady", "--target", "127.0.0.1:" + port, "--timeout", "3s",
                "--progress", "0", "--format", "json"));
        args.addAll(List.of(options));
        Outcome outcome = LoadClient.run(args.toArray(String[]::new));
        assertThat(outcome.exit()).as(outcome.out() + outcome.err()).isZero();
        return new JsonObject(outcome.out().strip());
    }

    @Test
    void thePlainPortLosesNothing() {
        JsonObject report = steady(server.port(), "-c", "4", "-m", "256", "-r", "100", "-d", "2s",
                "--probe-interval", "100ms", "--max-broken", "0", "--max-lost-bytes", "0", "--max-failed-connects", "0",
                "--max-outage", "0s");
        assertThat(report.getJsonObject("ended").fieldNames()).containsOnly("client-closed");
        assertThat(report.getJsonObject("ended").getLong("client-closed")).isEqualTo(4);
        JsonObject fresh = report.getJsonObject("newConnections");
        assertThat(fresh.getLong("probesOk")).isEqualTo(fresh.getLong("probes")).isPositive();
        assertThat(report.getJsonObject("rttMicros").getLong("count")).isEqualTo(report.getLong("messages")).isPositive();
    }

    @Test
    void resetAfterBytesIsAResetAtThatByte() {
        JsonObject report = steady(server.faultPort("reset"), "-c", "2", "-m", "1000", "-r", "1000", "-d", "2s");
        JsonArray broken = report.getJsonArray("brokenConnections");
        assertThat(broken).isNotEmpty().allSatisfy(b -> {
            JsonObject connection = (JsonObject) b;
            assertThat(connection.getString("ending")).isEqualTo("reset");
            assertThat(connection.getLong("atByte")).isEqualTo(65536);
            assertThat(connection.getLong("sent")).as("the 66th message in flight").isEqualTo(66_000);
            assertThat(connection.getLong("lostBytes")).isEqualTo(464);
        });
        assertThat(report.getLong("lostBytes")).isEqualTo(464L * broken.size());
        assertThat(report.getJsonObject("ended").getLong("reset")).isEqualTo(broken.size());
    }

    @Test
    void limitDataIsTheServersFinWithAMessageInFlight() {
        JsonObject report = steady(server.faultPort("truncate"), "-c", "2", "-m", "1000", "-r", "1000", "-d", "2s");
        JsonArray broken = report.getJsonArray("brokenConnections");
        assertThat(broken).isNotEmpty().allSatisfy(b -> {
            JsonObject connection = (JsonObject) b;
            assertThat(connection.getString("ending")).isEqualTo("server-fin-in-flight");
            assertThat(connection.getLong("atByte")).isEqualTo(10240);
            assertThat(connection.getLong("sent")).isEqualTo(11_000);
            assertThat(connection.getLong("lostBytes")).isEqualTo(760);
        });
        assertThat(report.getLong("lostBytes")).isEqualTo(760L * broken.size());
    }

    @Test
    void refuseLetsNoConnectionThrough() {
        JsonObject report = steady(server.faultPort("refuse"), "-c", "2", "-d", "2s", "--probe-interval", "200ms");
        assertThat(report.getLong("messages")).isZero();
        JsonObject fresh = report.getJsonObject("newConnections");
        assertThat(fresh.getLong("probesOk")).isZero();
        assertThat(fresh.getLong("probes")).isPositive();
        assertThat(fresh.getJsonObject("probeFailures").fieldNames()).isSubsetOf("reset", "connect-reset");
        // Reset as it accepts: either before the client saw the connection (a failed connect) or at byte 0 of it.
        JsonArray broken = report.getJsonArray("brokenConnections");
        broken.forEach(b -> assertThat(((JsonObject) b).getLong("atByte")).isZero());
        assertThat(report.getLong("lostBytes")).as("the message sent before the reset came, if one was")
                .isEqualTo(broken.stream().mapToLong(b -> ((JsonObject) b).getLong("sent")).sum());
        assertThat(report.getJsonObject("ended").fieldNames()).isSubsetOf("reset");
        assertThat(report.getJsonObject("failedConnects").getJsonObject("byCause").fieldNames()).isSubsetOf("reset");
        assertThat(broken.size() + report.getJsonObject("failedConnects").getLong("total")).isPositive();
        assertThat(report.getJsonObject("establishedConnections").getDouble("availability")).isZero();
    }
}
