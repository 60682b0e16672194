package io.tcpecho.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.Commands;
import io.tcpecho.testing.EchoClient;
import io.tcpecho.testing.LimitsProfile;

/**
 * {@code echo.tcp.keep-alive-idle} reaches the kernel: the accepted socket's keepalive timer, as {@code ss}
 * shows it, starts from the configured idle time instead of the kernel's two hours.
 */
@QuarkusTest
@TestProfile(LimitsProfile.class)
class KeepAliveTest {

    /** ss prints a timer as 2min, 7sec, 6.816ms (6 s 816 ms) or 816ms. */
    private static final Pattern TIMER = Pattern.compile("timer:\\(keepalive,(?:(\\d+)min)?(?:(\\d+)(?:sec|\\.))?(?:(\\d+)ms)?,");

    @Inject
    EchoServer server;

    @Test
    void idleConnectionsAreProbedAfterTheConfiguredIdleTime() throws Exception {
        try (EchoClient client = EchoClient.connect(server.port())) {
            client.write(new byte[] { 7 });
            assertThat(client.read(1)).containsExactly(7);
            String socket = await().atMost(Duration.ofSeconds(5)).until(this::serverSocket, line -> TIMER.matcher(line).find());
            Matcher timer = TIMER.matcher(socket);
            assertThat(timer.find()).isTrue();
            long millis = part(timer.group(1)) * 60_000 + part(timer.group(2)) * 1000 + part(timer.group(3));
            // The kernel's default would show about two hours (119min).
            assertThat(millis).as("time to the first probe, from %s", socket).isPositive().isLessThanOrEqualTo(7000);
        }
    }

    private static long part(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    /** The server's side of the connection, with its timers ({@code ss} from iproute2, installed by .ci/run). */
    private String serverSocket() {
        return Commands.run(List.of("ss", "-tnoH", "state", "established", "( sport = :" + server.port() + " )"), Map.of(),
                Path.of("."), Duration.ofSeconds(10)).orFail("ss").output();
    }
}
