package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The chart README's table of values is generated from the {@code # --} comments in values.yaml
 * ({@link ChartValuesTable}), and the build fails when the README is out of date. After changing values.yaml:
 * {@code ./mvnw test -Dtest=ChartReadmeTest -Dtcpecho.chart.readme.write=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ChartReadmeTest {

    private static final Path README = Chart.DIR.resolve("README.md");
    private static final String TABLE_HEADER = "| Key | Default | Description |";

    @Test
    void everyValueIsDocumentedInValuesYaml() throws IOException {
        assertThat(ChartValuesTable.of(Chart.DIR.resolve("values.yaml")).undocumented)
                .as("values without a '# --' comment in helm/tcp-echo/values.yaml").isEmpty();
    }

    @Test
    void readmeTableIsTheOneGeneratedFromValuesYaml() throws IOException {
        String readme = Files.readString(README);
        String generated = withTable(readme, ChartValuesTable.of(Chart.DIR.resolve("values.yaml")).markdown());
        if (Boolean.getBoolean("tcpecho.chart.readme.write")) {
            Files.writeString(README, generated);
            readme = generated;
        }
        assertThat(readme).as("helm/tcp-echo/README.md is out of date; regenerate it as this class's comment says")
                .isEqualTo(generated);
    }

    /** {@code readme} with the table that starts at {@link #TABLE_HEADER} replaced by {@code table}. */
    private static String withTable(String readme, String table) {
        int start = readme.indexOf(TABLE_HEADER);
        assertThat(start).as("a values table in helm/tcp-echo/README.md").isNotNegative();
        int end = start;
        while (end < readme.length() && readme.startsWith("|", end)) {
            end = readme.indexOf('\n', end) + 1;
        }
        return readme.substring(0, start) + table + readme.substring(end);
    }
}
