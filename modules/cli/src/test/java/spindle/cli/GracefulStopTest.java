package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/** SIGTERM to a running crawl (a child JVM) drains requests in flight, writes their records and exits 0. */
class GracefulStopTest {
  private static final Pattern PROGRESS = Pattern.compile("^spindle: ([\\d,]+) pages");

  @TempDir
  Path directory;

  @Test
  void sigtermDrainsFlushesAndExitsZero() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(400).seed(37)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(40), Duration.ofMillis(80)).build())) {
      Path output = directory.resolve("stopped.jsonl");
      String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-Dspindle.log.file=" + directory.resolve("spindle.log"), "-cp", classPath, Main.class.getName(),
          "crawl", "--out", output.toString(), "--set", "spindle.politeness.delay=0s",
          "--set", "spindle.politeness.per-host-concurrency=2", "--set", "spindle.progress.log-interval=200ms"));
      web.seedUrls().forEach(seed -> command.addAll(List.of("--seed", seed)));
      Process crawl = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        BufferedReader lines = new BufferedReader(new InputStreamReader(crawl.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder transcript = new StringBuilder();
        long pages = 0;
        String line;
        while (pages < 30 && (line = lines.readLine()) != null) { // returns as the child prints; bounded by its exit
          transcript.append(line).append('\n');
          Matcher progress = PROGRESS.matcher(line);
          if (progress.find()) {
            pages = Long.parseLong(progress.group(1).replace(",", ""));
          }
        }
        assertTrue(pages >= 30, "the crawl did not get going:\n" + transcript);
        // SIGTERM; Process.destroy() would send it too, but it also closes our end of the child's output
        assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(crawl.pid())).start().waitFor());
        while ((line = lines.readLine()) != null) {
          transcript.append(line).append('\n');
        }
        assertTrue(crawl.waitFor(60, TimeUnit.SECONDS), "the crawl did not stop");
        assertEquals(0, crawl.exitValue(), transcript.toString());
        assertTrue(transcript.toString().contains("spindle: stopped in"), transcript.toString());

        assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
        List<String> records = Files.readAllLines(output);
        ObjectMapper json = new ObjectMapper();
        for (String record : records) {
          json.readTree(record); // every line is whole JSON
        }
        long served = web.requests().stream().filter(r -> !r.path().equals("/robots.txt") && r.complete()).count();
        assertEquals(served, records.size(), "every page fetched before the stop has its record");
        assertTrue(records.size() < 800, "the crawl finished before the stop");
      } finally {
        crawl.destroyForcibly();
      }
    }
  }
}
