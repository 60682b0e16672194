package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;

/** A user's event-loop count wins over the two-per-CPU default, and the listener follows it. */
@QuarkusTest
@TestProfile(EventLoopSettingTest.ThreeEventLoops.class)
class EventLoopSettingTest {

    public static class ThreeEventLoops implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.vertx.event-loops-pool-size", "3");
        }
    }

    @Inject
    EchoServer server;

    @Test
    void oneInstancePerConfiguredEventLoop() throws Exception {
        assertThat(server.instances()).isEqualTo(3);
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(new byte[] { 3 });
            assertThat(client.read(1)).containsExactly(3);
        }
    }
}
