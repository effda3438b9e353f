package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/** SIGTERM to a running crawl (a child JVM) drains requests in flight, writes their records and exits 0. */
class GracefulStopTest {
  @TempDir
  Path directory;

  @Test
  void sigtermDrainsFlushesAndExitsZero() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(400).seed(37)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(40), Duration.ofMillis(80)).build())) {
      Path output = directory.resolve("stopped.jsonl");
      List<String> arguments = new ArrayList<>(List.of("--out", output.toString(),
          "--set", "spindle.store.dir=" + directory.resolve("data"), "--set", "spindle.politeness.delay=0s",
          "--set", "spindle.politeness.per-host-concurrency=2"));
      web.seedUrls().forEach(seed -> arguments.addAll(List.of("--seed", seed)));
      try (ChildCrawl crawl = ChildCrawl.start(directory.resolve("spindle.log"), arguments)) {
        assertTrue(crawl.awaitPages(30), "the crawl did not get going:\n" + crawl.transcript());
        crawl.terminate();
        assertEquals(0, crawl.awaitExit(60), crawl.transcript());
        assertTrue(crawl.transcript().contains("spindle: stopped in"), crawl.transcript());
      }
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
      List<String> records = Files.readAllLines(output);
      ObjectMapper json = new ObjectMapper();
      for (String record : records) {
        json.readTree(record); // every line is whole JSON
      }
      long served = web.requests().stream().filter(r -> !r.path().equals("/robots.txt") && r.complete()).count();
      assertEquals(served, records.size(), "every page fetched before the stop has its record");
      assertTrue(records.size() < 800, "the crawl finished before the stop");
    }
  }
}
