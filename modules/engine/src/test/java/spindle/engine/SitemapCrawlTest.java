package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.ReachableUrl;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;

/** Whole crawls of the fixture web with sitemaps: robots.txt's Sitemap: lines, indexes, gzip, text, and failures. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SitemapCrawlTest {
  private static final String ON = """
      spindle.sitemaps.enabled = on
      spindle.politeness.delay = 0s
      spindle.fetch.concurrency = 4
      """;

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path directory;

  private CrawlHarness harness;

  @BeforeEach
  void createHarness() {
    harness = new CrawlHarness(testKit, directory);
  }

  private static FixtureWeb web(RobotsProfile robots, boolean sitemaps) {
    return FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(12).seed(5).robots(robots)
        .sitemaps(sitemaps).build());
  }

  @Test
  void aPageReachableOnlyThroughASitemapIsCrawledAtSeedDepthWithItsLastmod() {
    try (FixtureWeb web = web(RobotsProfile.ALLOW_ALL, true)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config(ON), web.seedUrls());
      for (int host = 0; host < 2; host++) {
        JsonNode orphan = run.record(web.url(host, FixtureWeb.ORPHAN_PAGE));
        assertEquals(200, orphan.get("status").asInt());
        assertEquals(0, orphan.get("depth").asInt(), "at the depth of a seed");
        assertEquals(web.url(host, FixtureWeb.ORPHAN_SITEMAP), orphan.get("parent").asText());
        assertEquals(FixtureWeb.ORPHAN_LASTMOD, orphan.get("lastmod").asText());
        JsonNode textOrphan = run.record(web.url(host, FixtureWeb.TEXT_ORPHAN_PAGE));
        assertEquals(200, textOrphan.get("status").asInt());
        assertEquals(web.url(host, FixtureWeb.TEXT_SITEMAP), textOrphan.get("parent").asText());
      }
      Set<String> reachable = web.reachableUrls().stream().map(ReachableUrl::url)
          .collect(Collectors.toCollection(TreeSet::new));
      assertTrue(run.urls().containsAll(reachable), "the linked pages are crawled too");
      assertEachUrlRequestedOnce(web);
    }
  }

  @Test
  void aSitemapIndexAndAGzippedSitemapAreFollowedAndEachSitemapGetsARecord() {
    try (FixtureWeb web = web(RobotsProfile.ALLOW_ALL, true)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config(ON + "spindle.scope.max-depth = 0"), web.seedUrls());
      JsonNode index = run.record(web.url(0, FixtureWeb.SITEMAP_INDEX));
      assertEquals("index", index.get("sitemap").get("type").asText());
      assertEquals(2, index.get("sitemap").get("entries").asInt());
      assertTrue(index.get("error").isNull(), index.toString());
      JsonNode gzipped = run.record(web.url(0, FixtureWeb.GZIPPED_SITEMAP));
      assertEquals("xml", gzipped.get("sitemap").get("type").asText());
      assertEquals(12, gzipped.get("sitemap").get("entries").asInt());
      assertEquals(12, gzipped.get("sitemap").get("taken").asInt());
      assertEquals(web.url(0, FixtureWeb.SITEMAP_INDEX), gzipped.get("parent").asText());
      assertEquals("text", run.record(web.url(0, FixtureWeb.TEXT_SITEMAP)).get("sitemap").get("type").asText());
      // max-depth 0 fetches only the seeds, so every other page came from the gzipped sitemap, at depth 0
      for (int page = 0; page < 12; page++) {
        JsonNode record = run.record(web.pageUrl(0, page));
        assertEquals(0, record.get("depth").asInt(), record.toString());
        // the home page was admitted as a seed first: the sitemap's listing of it was a duplicate, without effect
        assertEquals(page > 0, record.has("lastmod"), record.toString());
      }
      assertTrue(run.records().stream().noneMatch(record -> record.has("sitemap") && !record.get("url").asText()
          .contains("sitemap")), "only sitemaps have a sitemap field");
    }
  }

  @Test
  void aBrokenSitemapCostsOneErrorRecordAndTheHostIsStillCrawled() {
    try (FixtureWeb web = web(RobotsProfile.ALLOW_ALL, true)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config(ON), web.seedUrls());
      List<JsonNode> errors = run.records().stream().filter(record -> !record.get("error").isNull()).toList();
      assertEquals(2, errors.size(), "one per host: " + errors);
      for (int host = 0; host < 2; host++) {
        JsonNode broken = run.record(web.url(host, FixtureWeb.BROKEN_SITEMAP));
        assertEquals("PARSE_ERROR", broken.get("error").get("kind").asText());
        assertTrue(broken.get("sitemap").get("type").isNull(), broken.toString());
        assertEquals(200, run.record(web.pageUrl(host, 11)).get("status").asInt(), "the host goes on");
      }
    }
  }

  @Test
  void maxUrlsCapsWhatIsTakenFromOneSitemap() {
    try (FixtureWeb web = web(RobotsProfile.ALLOW_ALL, true)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config(ON + """
          spindle.scope.max-depth = 0
          spindle.sitemaps.max-urls = 5
          """), List.of(web.baseUrl(0)));
      JsonNode gzipped = run.record(web.url(0, FixtureWeb.GZIPPED_SITEMAP));
      assertEquals(12, gzipped.get("sitemap").get("entries").asInt());
      assertEquals(5, gzipped.get("sitemap").get("taken").asInt());
      long pages = run.records().stream().filter(record -> !record.has("sitemap")
          && record.get("url").asText().startsWith(web.baseUrl(0))).count();
      // the seed, the 5 taken (the seed among them, as the home page is listed first), the two orphans
      assertEquals(7, pages, run.urls().toString());
    }
  }

  @Test
  void aHostWhoseRobotsTxtNamesNoSitemapIsAskedForSitemapXmlOnceAndA404CostsOneRecord() {
    try (FixtureWeb web = web(RobotsProfile.NOT_FOUND, false)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config(ON), web.seedUrls());
      for (int host = 0; host < 2; host++) {
        JsonNode sitemap = run.record(web.sitemapUrl(host));
        assertEquals(404, sitemap.get("status").asInt());
        assertEquals("HTTP_CLIENT_ERROR", sitemap.get("error").get("kind").asText());
        assertEquals(1, web.countOf(web.sitemapUrl(host)));
      }
      assertEquals(2, run.records().stream().filter(record -> !record.get("error").isNull()).count());
      Set<String> reachable = web.reachableUrls().stream().map(ReachableUrl::url)
          .collect(Collectors.toCollection(TreeSet::new));
      assertTrue(run.urls().containsAll(reachable), "the host's pages are crawled");
    }
  }

  @Test
  void withRobotsTxtOffTheSeedHostsSitemapXmlIsRead() {
    try (FixtureWeb web = web(RobotsProfile.ALLOW_ALL, true)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config(ON + "spindle.robots.enabled = off"),
          List.of(web.baseUrl(1)));
      assertEquals("xml", run.record(web.sitemapUrl(1)).get("sitemap").get("type").asText());
      assertEquals(200, run.record(web.url(1, FixtureWeb.ORPHAN_PAGE)).get("status").asInt());
      assertEquals(0, web.countOf(web.robotsUrl(1)));
    }
  }

  @Test
  void withSitemapsOffNoSitemapIsFetched() {
    try (FixtureWeb web = web(RobotsProfile.ALLOW_ALL, true)) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.sitemaps.enabled = off
          spindle.politeness.delay = 0s
          """), web.seedUrls());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
      for (RequestRecord request : web.requests()) {
        assertFalse(request.target().contains("sitemap") || request.target().contains("orphan"), request.target());
      }
      assertTrue(run.records().stream().noneMatch(record -> record.has("sitemap") || record.has("lastmod")));
      assertTrue(run.record(web.pageUrl(0, 11)).get("error").isNull());
    }
  }

  private static void assertEachUrlRequestedOnce(FixtureWeb web) {
    assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");
    for (RequestRecord request : web.requests()) {
      if (request.target().equals("/robots.txt")) {
        continue; // asked again by a queue that stopped while others waited: not a sitemap matter
      }
      String url = "http://" + web.hostName(request.hostIndex()) + request.target();
      assertEquals(1, web.countOf(url), "fetched more than once: " + url);
    }
  }
}
