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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.ReachableUrl;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;

/**
 * Never lose work: a crawl (a child JVM) killed with SIGKILL at random points several times and run again each
 * time ends with exactly one record per reachable URL, no torn line, and at most one re-fetch per fetcher per
 * kill.
 */
class ResumeAfterKillTest {
  private static final int CONCURRENCY = 4;
  private static final int KILLS = 3;

  @TempDir
  Path directory;

  @Test
  void aCrawlKilledThreeTimesEndsWithOneRecordPerReachableUrl() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(3).pagesPerHost(150).seed(41)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(10), Duration.ofMillis(30)).sitemaps(true)
        .build())) {
      Path output = directory.resolve("resumed.jsonl");
      List<String> arguments = new ArrayList<>(List.of("--out", output.toString(),
          "--set", "spindle.store.dir=" + directory.resolve("data"), "--set", "spindle.politeness.delay=0s",
          "--set", "spindle.politeness.per-host-concurrency=2", "--set", "spindle.fetch.concurrency=" + CONCURRENCY));
      web.seedUrls().forEach(seed -> arguments.addAll(List.of("--seed", seed)));
      ChildCrawl.killRepeatedlyThenFinish(directory.resolve("spindle.log"), arguments, KILLS, 11);

      ObjectMapper json = new ObjectMapper();
      Map<String, Integer> recordsPerUrl = new HashMap<>();
      for (String line : Files.readAllLines(output)) {
        JsonNode record = json.readTree(line); // a torn line would not parse
        recordsPerUrl.merge(record.get("url").asText(), 1, Integer::sum);
        assertEquals(record.get("url").asText().endsWith(FixtureWeb.BROKEN_SITEMAP), !record.get("error").isNull(),
            line);
      }
      // the linked pages, and what sitemaps add (their work items persist across the kills like pages)
      Set<String> reachable = web.reachableUrls().stream().map(ReachableUrl::url)
          .collect(Collectors.toCollection(TreeSet::new));
      for (int host = 0; host < 3; host++) {
        for (int page = 0; page < 150; page++) {
          reachable.add(web.pageUrl(host, page));
        }
        for (String path : List.of(FixtureWeb.SITEMAP_INDEX, FixtureWeb.GZIPPED_SITEMAP, FixtureWeb.ORPHAN_SITEMAP,
            FixtureWeb.TEXT_SITEMAP, FixtureWeb.BROKEN_SITEMAP, FixtureWeb.ORPHAN_PAGE, FixtureWeb.TEXT_ORPHAN_PAGE)) {
          reachable.add(web.url(host, path));
        }
      }
      assertEquals(reachable, new TreeSet<>(recordsPerUrl.keySet()));
      recordsPerUrl.forEach((url, count) -> assertEquals(1, count, "records for " + url));

      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
      Map<String, Integer> fetches = new HashMap<>();
      for (RequestRecord request : web.requests()) {
        if (!request.path().equals("/robots.txt")) {
          fetches.merge(request.hostIndex() + request.target(), 1, Integer::sum);
        }
      }
      int refetched = fetches.values().stream().mapToInt(count -> count - 1).sum();
      assertTrue(refetched <= CONCURRENCY * KILLS, refetched + " re-fetches for " + KILLS + " kills at concurrency "
          + CONCURRENCY);
    }
  }
}
