package io.tcpecho;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.tcpecho.testing.Commands;

/**
 * {@code ./mvnw quarkus:dev} as a newcomer meets it: src/test/scripts/dev-mode.sh runs the README's "Try it"
 * commands verbatim against dev mode, checks that connections made while live reload scans lose nothing,
 * and reloads a Java and a configuration edit. The script is the test; this runs it within {@code verify}.
 */
class DevModeIT {

    private static final Path SCRIPT = Path.of("src", "test", "scripts", "dev-mode.sh");

    @Test
    void readmeExamplesAndLiveReloadWorkInDevMode() throws Exception {
        Path output = Files.createTempFile("dev-mode-", ".log");
        try {
            Process script = Commands.start(output, Map.of(), List.of(SCRIPT.toString()));
            if (!script.waitFor(10, TimeUnit.MINUTES)) {
                script.destroyForcibly();
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(script.isAlive()).as("the script finished within 10 minutes:%n%s", log).isFalse();
            assertThat(script.exitValue()).as("dev-mode.sh exit status:%n%s", log).isZero();
            assertThat(log).contains("PASS:");
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
