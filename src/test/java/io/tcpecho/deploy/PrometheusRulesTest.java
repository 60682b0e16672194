package io.tcpecho.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.tcpecho.testing.Commands;

/**
 * The chart's alert rules as it renders them, checked by Prometheus's own promtool (Debian's prometheus package,
 * installed by .ci/run): valid rules, and {@code promtool test rules} with a case that fires and one that stays quiet
 * for every alert; every alert has both, names with one prefix, a severity, a summary, a description and a runbook
 * section that exists.
 */
class PrometheusRulesTest {

    private static final Path WORK = Path.of("target", "prometheus-rules");
    private static final Path TESTS = Path.of("src", "test", "resources", "prometheus", "tcp-echo-rules.test.yaml");
    private static JsonNode groups;

    @BeforeAll
    static void renderTheRules() throws IOException {
        groups = Chart.render("prometheusRule: {enabled: true}").get("PrometheusRule", "tcp-echo").at("/spec/groups");
        Files.createDirectories(WORK);
        Files.writeString(WORK.resolve("tcp-echo.rules.yaml"), Chart.YAML.writeValueAsString(Map.of("groups", groups)));
        Files.copy(TESTS, WORK.resolve(TESTS.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void promtoolChecksTheRules() {
        Commands.Result check = promtool("check", "rules", "tcp-echo.rules.yaml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void everyAlertFiresInItsTestCaseAndStaysQuietInTheOther() throws IOException {
        Commands.Result test = promtool("test", "rules", TESTS.getFileName().toString());
        assertThat(test.exitCode()).as(test.output()).isZero();
        JsonNode cases = Chart.YAML.readTree(TESTS.toFile()).path("tests");
        Set<String> fire = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        cases.forEach(c -> c.path("alert_rule_test").forEach(t -> (t.path("exp_alerts").isEmpty() ? quiet : fire)
                .add(t.path("alertname").asText())));
        assertThat(fire).as("alerts with a case that fires").isEqualTo(alerts());
        assertThat(quiet).as("alerts with a case that stays quiet").isEqualTo(alerts());
    }

    @Test
    void everyAlertIsNamedAndDocumentedAsTheMixinsDo() throws IOException {
        String runbook = Files.readString(Path.of("docs", "runbook.md"));
        groups.forEach(group -> group.path("rules").forEach(rule -> {
            String name = rule.path("alert").asText();
            assertThat(name).matches("TcpEcho[A-Z][A-Za-z]+");
            assertThat(rule.at("/labels/severity").asText()).isIn("critical", "warning", "info");
            assertThat(rule.at("/annotations/summary").asText()).isNotBlank();
            assertThat(rule.at("/annotations/description").asText()).isNotBlank();
            assertThat(rule.at("/annotations/runbook_url").asText())
                    .isEqualTo("https://github.com/tcp-echo/tcp-echo/blob/main/docs/runbook.md#" + name.toLowerCase());
            assertThat(runbook).as("docs/runbook.md has a section for %s", name).contains("\n## " + name + "\n");
            assertThat(rule.path("expr").asText()).as("%s is scoped to the release's scrape job", name)
                    .contains("job=\"tcp-echo-management\"");
        }));
    }

    private static Set<String> alerts() {
        Set<String> names = new TreeSet<>();
        groups.forEach(group -> group.path("rules").forEach(rule -> names.add(rule.path("alert").asText())));
        return names;
    }

    private static Commands.Result promtool(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Commands.Result result = Commands.run(command, Map.of(), WORK, Duration.ofMinutes(1));
        assertThat(result.exitCode()).as("promtool is needed (apt-get install prometheus; see .ci/run): %s", result.output())
                .isNotEqualTo(127);
        return result;
    }
}
