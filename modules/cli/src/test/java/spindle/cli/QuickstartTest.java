package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./spindle crawl examples/quickstart.conf}, as a user runs it: the CLI's main
 * class in a JVM of its own with the launcher's options, in a fresh directory that ends up holding the output, the
 * store and the log. The demo site runs inside that JVM on 127.0.1.1 to 127.0.1.4, port 8971 (the quickstart's
 * fixed port: if another run of it holds the port, this test fails saying so; run it again).
 */
class QuickstartTest {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The user's directory: the crawl's working directory. */
  @TempDir
  Path directory;
  /** For what the crawl prints, outside the user's directory. */
  @TempDir
  Path scratch;

  @Test
  void theQuickstartCrawlsTheDemoSiteAndRecordsItsHundredAndSixtyPages() throws Exception {
    Path console = scratch.resolve("console.txt");
    Process crawl = launch(ROOT.resolve("examples/quickstart.conf"), console);
    boolean exited = crawl.waitFor(150, TimeUnit.SECONDS);
    crawl.destroyForcibly();
    String said = Files.readString(console, StandardCharsets.UTF_8);
    assertTrue(exited, "the quickstart did not exit:\n" + said);
    assertEquals(0, crawl.exitValue(), said);
    assertTrue(said.contains("spindle: done in "), said);
    assertTrue(said.contains(": 160 pages recorded (156 ok, 4 errors: ROBOTS_DISALLOWED 4)"), said);
    assertTrue(said.contains("spindle: records in out/quickstart.jsonl"), said);

    List<String> lines = Files.readAllLines(directory.resolve("out/quickstart.jsonl"), StandardCharsets.UTF_8);
    assertEquals(160, lines.size());
    Set<String> urls = new HashSet<>();
    Map<String, Integer> perHost = new TreeMap<>();
    int disallowed = 0;
    for (String line : lines) {
      JsonNode record = JSON.readTree(line);
      String url = record.get("url").asText();
      assertTrue(urls.add(url), "recorded twice: " + url);
      URI uri = URI.create(url);
      perHost.merge(uri.getHost() + ":" + uri.getPort(), 1, Integer::sum);
      if (record.get("error").isNull()) {
        assertEquals(200, record.get("status").asInt(), line);
        assertFalse(record.get("title").asText().isEmpty(), line);
      } else {
        // the demo's second host disallows a section in its robots.txt: those pages are recorded, not fetched
        assertEquals("ROBOTS_DISALLOWED", record.get("error").get("kind").asText(), line);
        assertEquals("127.0.1.2", uri.getHost(), line);
        disallowed++;
      }
    }
    assertEquals(4, disallowed);
    assertEquals(Map.of("127.0.1.1:8971", 40, "127.0.1.2:8971", 40, "127.0.1.3:8971", 40, "127.0.1.4:8971", 40),
        perHost);
    assertTrue(Files.isDirectory(directory.resolve("data/quickstart")), "no store in data/quickstart");
    assertTrue(Files.size(directory.resolve("logs/spindle.log")) > 0, "no log in logs/spindle.log");
  }

  /**
   * Runs {@code spindle crawl JOB} in {@link #directory} as the {@code ./spindle} launcher does (its JVM options, the
   * operator's {@code application.conf}, stderr not a terminal), with the test's class path, whose logging
   * configuration is the product's; what it prints goes to {@code console}.
   */
  private Process launch(Path job, Path console) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms176m", "-Xmx176m", "-Xmn88m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError"));
    command.addAll(LauncherJvm.quietOptions());
    command.addAll(List.of("-Dspindle.application-conf=" + ROOT.resolve("application.conf"),
        "-Dspindle.stderr.tty=false", "-Dlogback.configurationFile=logback.xml", "-cp", classPath,
        Main.class.getName(), "crawl", job.toString()));
    return new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
        .redirectOutput(console.toFile()).start();
  }
}
