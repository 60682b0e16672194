package io.tcpecho.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's table is generated from {@link EchoConfig} and its javadoc ({@link ConfigurationReference}),
 * and the build fails when the page is out of date. After adding or changing a key or its javadoc:
 * {@code ./mvnw test -Dtest=ConfigurationDocTest -Dtcpecho.config.doc.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ConfigurationDocTest {

    private static final Path PAGE = Path.of("docs/configuration.md");

    @Test
    void everyKeyHasAJavadoc() throws IOException {
        assertThat(ConfigurationReference.generate().undocumented)
                .as("keys of EchoConfig without a javadoc in " + ConfigurationReference.SOURCE).isEmpty();
    }

    @Test
    void pageTableIsTheOneGeneratedFromEchoConfig() throws IOException {
        String page = Files.readString(PAGE);
        String generated = withTable(page, ConfigurationReference.generate().markdown());
        if (Boolean.getBoolean("tcpecho.config.doc.write")) {
            Files.writeString(PAGE, generated);
            page = generated;
        }
        assertThat(page).as("docs/configuration.md is out of date; regenerate it as this class's comment says")
                .isEqualTo(generated);
    }

    @Test
    void keysAreNamedAsSmallRyeMapsThem() throws IOException {
        ConfigurationReference reference = ConfigurationReference.generate();
        assertThat(reference.rows).extracting(ConfigurationReference.Row::key)
                .contains("echo.port", "echo.write-queue-high-water-mark", "echo.tcp.keep-alive-idle", "echo.tls.client-auth",
                        "echo.faults.command-port", "echo.faults.max-connections", "echo.faults.<name>.port",
                        "echo.faults.<name>.reset-after-bytes", "echo.faults.<name>.slicer.average-size",
                        "quarkus.management.port")
                .doesNotHaveDuplicates();
        assertThat(reference.rows).filteredOn(row -> row.key().equals("echo.faults.<name>.slicer.average-size"))
                .extracting(ConfigurationReference.Row::environmentVariable)
                .containsExactly("ECHO_FAULTS_<NAME>_SLICER_AVERAGE_SIZE");
        assertThat(reference.rows).filteredOn(row -> row.key().equals("echo.idle-timeout"))
                .extracting(ConfigurationReference.Row::defaultValue).containsExactly("`0s`");
    }

    @Test
    void javadocBecomesMarkdown() {
        assertThat(ConfigurationReference.markdown(" Echo {@code a|b}, see {@link io.tcpecho.fault.FaultKey} and\n"
                + " docs/memory.md#jvm-sizing or docs/tls.md. <p> Notes for the code's readers.")).isEqualTo(
                        "Echo `a\\|b`, see `FaultKey` and [memory.md](memory.md#jvm-sizing) or [tls.md](tls.md).");
    }

    /** {@code page} with the table that starts at the table header replaced by {@code table}. */
    private static String withTable(String page, String table) {
        int start = page.indexOf(ConfigurationReference.TABLE_HEADER);
        assertThat(start).as("a configuration table in docs/configuration.md").isNotNegative();
        int end = start;
        while (end < page.length() && page.startsWith("|", end)) {
            end = page.indexOf('\n', end) + 1;
        }
        return page.substring(0, start) + table + page.substring(end);
    }
}
