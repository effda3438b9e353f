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
import spindle.fixture.RobotsProfile;

/**
 * Never lose or tear the archive: a crawl writing WARC (a child JVM, files rotated often) killed with SIGKILL twice
 * and run again ends with WARC files that jwarc reads without a warning and validates, an index that matches them
 * line for line, a capture of every reachable URL, and no more extra captures than the fetches that can be in flight
 * at a kill (each a revisit of the first, as the bytes are the same).
 */
class WarcResumeAfterKillTest {
  private static final int CONCURRENCY = 4;
  private static final int KILLS = 2;

  @TempDir
  Path directory;

  @Test
  void aCrawlKilledWhileWritingWarcResumesWithEveryCaptureOnceAndAConsistentIndex() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(3).pagesPerHost(100).seed(43)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
      Path output = directory.resolve("archived.jsonl");
      Path warc = directory.resolve("warc");
      List<String> arguments = new ArrayList<>(List.of("--out", output.toString(), "--warc", warc.toString(),
          "--set", "spindle.warc.max-file-size=300kB",
          "--set", "spindle.store.dir=" + directory.resolve("data"), "--set", "spindle.politeness.delay=0s",
          "--set", "spindle.politeness.per-host-concurrency=2", "--set", "spindle.fetch.concurrency=" + CONCURRENCY,
          // the fixture serves none: each host's /sitemap.xml would be one more capture and record (sitemaps across
          // kills: ResumeAfterKillTest; sitemap captures: ArchiveCrawlTest)
          "--set", "spindle.sitemaps.enabled=off"));
      web.seedUrls().forEach(seed -> arguments.addAll(List.of("--seed", seed)));
      ChildCrawl.killRepeatedlyThenFinish(directory.resolve("spindle.log"), arguments, KILLS, 13);

      List<WarcFiles.Capture> captures = WarcFiles.captures(warc); // fails on any torn or unreadable record
      WarcFiles.checkIndexes(warc);
      WarcFiles.validateWithJwarc(warc);

      Map<String, List<WarcFiles.Capture>> byUrl = new HashMap<>();
      captures.forEach(capture -> byUrl.computeIfAbsent(capture.url(), url -> new ArrayList<>()).add(capture));
      Set<String> reachable = web.reachableUrls().stream().map(ReachableUrl::url)
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> pages = byUrl.keySet().stream().filter(url -> !url.endsWith("/robots.txt"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(reachable, pages, "captured pages");
      int extra = 0;
      for (String url : pages) {
        List<WarcFiles.Capture> ofUrl = byUrl.get(url);
        assertEquals("response", ofUrl.get(0).type(), url);
        for (WarcFiles.Capture again : ofUrl.subList(1, ofUrl.size())) {
          assertEquals("revisit", again.type(), "a capture again of " + url);
          assertEquals(ofUrl.get(0).payloadDigest(), again.payloadDigest(), url);
        }
        extra += ofUrl.size() - 1;
      }
      assertTrue(extra <= CONCURRENCY * KILLS, extra + " extra captures for " + KILLS + " kills at concurrency "
          + CONCURRENCY);

      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(output)) {
        JsonNode record = json.readTree(line);
        assertTrue(byUrl.containsKey(record.get("url").asText()), "a record without a capture: " + line);
      }
    }
  }
}
