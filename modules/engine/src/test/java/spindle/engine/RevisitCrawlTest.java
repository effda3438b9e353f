package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;

/**
 * A batch crawl with one round of revisits ({@code spindle.recrawl.rounds = 1}) on a fixture that answers conditional
 * GETs: every page is fetched twice, the second time conditionally and no earlier than the interval after the first,
 * an unchanged page's revisit is a 304 recorded as unchanged, a page changed in between is fetched whole and recorded
 * as changed, politeness holds throughout, and the crawl ends after the second visits.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevisitCrawlTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration DELAY = Duration.ofMillis(100);

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private FixtureWeb web;
  private CrawlHarness.Run run;
  private String changed;
  private WhyReport whyDuringTheWait;

  @BeforeAll
  void crawl(@TempDir Path directory) {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(6).seed(16)
        .robots(RobotsProfile.ALLOW_ALL).build());
    web.serveValidators(true);
    changed = web.pageUrl(1, 0);
    run = new CrawlHarness(testKit, directory).run(CrawlHarness.config("""
        spindle.fetch.concurrency = 4
        spindle.politeness.delay = 100ms
        spindle.recrawl.rounds = 1
        spindle.recrawl.min-interval = 2s
        """), web.seedUrls(), Optional.empty(), supervisor -> {
          // change one page after its first visit, before its revisit
          testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
            assertEquals(1, web.countOf(changed));
            web.changePage(1, 0);
            return null;
          });
          // while every URL of a host waits for its revisit, /why says so, with the time it is due
          TestProbe<Answer<WhyReport>> why = testKit.createTestProbe();
          why.awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
            supervisor.tell(new CrawlSupervisor.Explain(10, why.ref()));
            WhyReport report = why.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
            assertTrue(report.scheduled() > 0, report.toString());
            assertFalse(report.revisits().isEmpty(), report.toString());
            report.revisits().forEach(wait -> assertTrue(wait.until().isPresent(), wait.toString()));
            whyDuringTheWait = report;
            return null;
          });
        });
    assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private List<RequestRecord> pageRequests() {
    return web.requests().stream().filter(request -> !request.path().equals("/robots.txt")).toList();
  }

  @Test
  void everyPageIsFetchedTwiceTheSecondTimeConditionallyAndNoEarlierThanTheInterval() {
    Map<String, List<RequestRecord>> byPage = new HashMap<>();
    for (RequestRecord request : pageRequests()) {
      byPage.computeIfAbsent(request.hostIndex() + request.target(), key -> new ArrayList<>()).add(request);
    }
    assertTrue(byPage.size() >= 4, "pages fetched: " + byPage.keySet());
    byPage.forEach((page, requests) -> {
      assertEquals(2, requests.size(), page);
      requests.sort(java.util.Comparator.comparingLong(RequestRecord::startNanos));
      assertFalse(requests.get(0).conditional(), page + ": the first visit is a plain GET");
      assertTrue(requests.get(1).conditional(), page + ": the revisit sends the validators");
      long gap = requests.get(1).startNanos() - requests.get(0).endNanos();
      assertTrue(gap >= INTERVAL.toNanos(), page + ": revisited " + gap / 1_000_000 + " ms after the first visit");
    });
    assertEquals(byPage.size() * 2, run.records().size(), "one record per visit, and the crawl ended");
    assertEquals(0, run.summary().counts().scheduled());
  }

  @Test
  void anUnchangedPagesRevisitIsA304RecordedAsUnchanged() {
    int unchanged = 0;
    for (JsonNode record : run.records()) {
      if (record.get("url").asText().equals(changed)) {
        continue;
      }
      if (record.get("visit").asInt() == 1) {
        assertEquals(200, record.get("status").asInt(), record.toString());
        assertFalse(record.has("changed"), "a first visit says nothing of changes: " + record);
      } else {
        assertEquals(2, record.get("visit").asInt());
        assertEquals(304, record.get("status").asInt(), record.toString());
        assertFalse(record.get("changed").asBoolean(), record.toString());
        assertTrue(record.get("error").isNull(), record.toString());
        unchanged++;
      }
    }
    assertTrue(unchanged >= 3, "unchanged revisits: " + unchanged);
  }

  @Test
  void aPageChangedBetweenTheVisitsIsFetchedWholeAndRecordedAsChanged() {
    List<JsonNode> visits = run.records().stream().filter(record -> record.get("url").asText().equals(changed))
        .sorted(java.util.Comparator.comparingInt(record -> record.get("visit").asInt())).toList();
    assertEquals(2, visits.size(), visits.toString());
    assertEquals(200, visits.get(1).get("status").asInt());
    assertTrue(visits.get(1).get("changed").asBoolean(), visits.get(1).toString());
    assertFalse(visits.get(0).get("content_digest").asText().equals(visits.get(1).get("content_digest").asText()));
  }

  @Test
  void whyShowedTheHostsWaitingForTheirRevisitsWithTheTimeTheyAreDue() {
    assertTrue(whyDuringTheWait.revisits().stream().allMatch(wait -> wait.reason().contains("revisit")),
        whyDuringTheWait.toString());
  }

  @Test
  void politenessHoldsThroughout() {
    for (int host = 0; host < web.hostCount(); host++) {
      List<RequestRecord> requests = web.requests(host);
      for (int i = 1; i < requests.size(); i++) {
        long gap = requests.get(i).startNanos() - requests.get(i - 1).endNanos();
        assertTrue(gap >= DELAY.toNanos(), "host " + host + ": " + gap / 1_000_000 + " ms between two requests");
      }
    }
  }
}
