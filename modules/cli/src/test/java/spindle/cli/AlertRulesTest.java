package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/prometheus/}: Prometheus' own {@code promtool} accepts the alert rules and the example configuration,
 * and the rules' unit tests ({@code alerts-test.yml}: each alert fires on the series it is meant for, with its labels
 * and annotations, and stays quiet on the others) pass. Skipped, saying so, where promtool is not installed.
 */
class AlertRulesTest {
  static final Path OPS_PROMETHEUS = Path.of("../../ops/prometheus").toAbsolutePath().normalize();

  private Path promtool;

  @BeforeEach
  void findPromtool() {
    promtool = Path.of("/usr/bin/promtool");
    SkippedChecks.skipUnlessInstalled("the alert rules through promtool (AlertRulesTest)",
        Files.isExecutable(promtool) ? List.of() : List.of(promtool.toString()), "apt-get install prometheus");
  }

  @Test
  void promtoolAcceptsTheAlertRulesAndTheExampleConfiguration() throws Exception {
    String rules = promtool("check", "rules", "alerts.yml");
    assertTrue(rules.contains("SUCCESS: 10 rules found"), rules);
    String config = promtool("check", "config", "prometheus.yml");
    assertTrue(config.contains("SUCCESS"), config);
  }

  @Test
  void everyAlertFiresOnTheSeriesItIsMeantForAndOnNoOther() throws Exception {
    String tests = promtool("test", "rules", "alerts-test.yml");
    assertTrue(tests.contains("SUCCESS"), tests);
  }

  @Test
  void everyAlertRuleHasAUnitTest() throws IOException {
    List<String> untested = new ArrayList<>();
    String tests = Files.readString(OPS_PROMETHEUS.resolve("alerts-test.yml"), StandardCharsets.UTF_8);
    for (String line : Files.readAllLines(OPS_PROMETHEUS.resolve("alerts.yml"), StandardCharsets.UTF_8)) {
      String trimmed = line.trim();
      if (trimmed.startsWith("- alert: ")) {
        String name = trimmed.substring("- alert: ".length()).trim();
        if (!tests.contains("alertname: " + name + "\n")) {
          untested.add(name);
        }
      }
    }
    assertEquals(List.of(), untested, "alerts without a test in alerts-test.yml");
  }

  /** Runs promtool in ops/prometheus and returns what it printed; fails when it exits with another code than 0. */
  private String promtool(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).directory(OPS_PROMETHEUS.toFile()).redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish: " + said);
    assertEquals(0, process.exitValue(), "promtool " + String.join(" ", arguments) + ":\n" + said);
    return said;
  }
}
