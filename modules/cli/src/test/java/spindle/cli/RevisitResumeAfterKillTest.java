package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;
import spindle.store.FrontierStatus;
import spindle.store.RocksDbFrontier;

/**
 * A continuous crawl (a child JVM, {@code spindle.recrawl.continuous = on}) killed with SIGKILL once every page was
 * visited keeps every URL's schedule in its store: run again, it revisits every page conditionally (with the
 * validators stored before the kill), numbers the visits on from where they were, and fetches no page without
 * validators again beyond the few in flight at the kill.
 */
class RevisitResumeAfterKillTest {
  private static final int PAGES = 30;
  private static final int CONCURRENCY = 4;

  @TempDir
  Path directory;

  @Test
  void aContinuousCrawlKilledAfterItsFirstVisitsRevisitsEveryPageConditionallyWhenRunAgain() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(PAGES).seed(5)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      web.serveValidators(true);
      Path output = directory.resolve("continuous.jsonl");
      Path store = directory.resolve("data");
      List<String> arguments = new ArrayList<>(List.of("--out", output.toString(),
          "--set", "spindle.store.dir=" + store, "--set", "spindle.politeness.delay=0s",
          "--set", "spindle.sitemaps.enabled=off", "--set", "spindle.fetch.concurrency=" + CONCURRENCY,
          "--set", "spindle.recrawl.continuous=on", "--set", "spindle.recrawl.min-interval=2s"));
      web.seedUrls().forEach(seed -> arguments.addAll(List.of("--seed", seed)));

      try (ChildCrawl first = ChildCrawl.start(directory.resolve("spindle.log"), arguments)) {
        assertTrue(first.awaitPages(PAGES), "the first run ended early:\n" + first.transcript());
        first.kill();
      }
      FrontierStatus killed = RocksDbFrontier.readStatus(store);
      assertEquals(PAGES, killed.counts().discovered(), killed.toString());
      assertEquals(0, killed.counts().fetched() + killed.counts().failed(), "a continuous crawl finishes no URL");
      assertTrue(killed.counts().scheduled() > 0, killed.toString());
      java.io.StringWriter printed = new java.io.StringWriter();
      StatusCommand.print(new java.io.PrintWriter(printed), store, killed);
      assertTrue(printed.toString().contains(String.format(java.util.Locale.ROOT, "scheduled  %,d  (waiting for "
          + "their revisits", killed.counts().scheduled())), printed.toString());

      long restarted = System.nanoTime();
      try (ChildCrawl second = ChildCrawl.start(directory.resolve("spindle.log"), arguments)) {
        assertTrue(second.awaitPages(2L * PAGES), "the second run ended early:\n" + second.transcript());
        assertTrue(second.transcript().contains("resuming from"), second.transcript());
        second.terminate();
        assertEquals(0, second.awaitExit(60), second.transcript());
      }
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));

      Map<String, Integer> plain = new HashMap<>();
      Map<String, Integer> conditionalAfterRestart = new HashMap<>();
      for (RequestRecord request : web.requests()) {
        if (request.path().equals("/robots.txt")) {
          continue;
        }
        if (!request.conditional()) {
          plain.merge(request.target(), 1, Integer::sum);
        } else if (request.startNanos() > restarted) {
          conditionalAfterRestart.merge(request.target(), 1, Integer::sum);
        }
      }
      assertEquals(PAGES, plain.size(), "every page visited: " + plain.keySet());
      assertEquals(plain.keySet(), conditionalAfterRestart.keySet(), "every page revisited after the restart");
      int plainAgain = plain.values().stream().mapToInt(count -> count - 1).sum();
      assertTrue(plainAgain <= CONCURRENCY, plainAgain + " pages fetched again without validators");

      ObjectMapper json = new ObjectMapper();
      Map<String, Integer> lastVisit = new HashMap<>();
      for (String line : Files.readAllLines(output)) {
        JsonNode record = json.readTree(line);
        lastVisit.merge(record.get("url").asText(), record.get("visit").asInt(), Math::max);
      }
      assertEquals(PAGES, lastVisit.size());
      lastVisit.forEach((url, visit) -> assertTrue(visit >= 2, url + " reached visit " + visit));
    }
  }
}
