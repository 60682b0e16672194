package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LimitsProfile;

/** A user's event-loop count (echo.event-loops) wins over the two-per-CPU default, and the listener follows it. */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class EventLoopSettingTest {

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
