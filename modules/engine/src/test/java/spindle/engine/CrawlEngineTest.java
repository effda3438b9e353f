package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.HostKey;
import spindle.fixture.Fault;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.ReachOptions;
import spindle.fixture.ReachableUrl;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;
import spindle.store.HostOrder;

/** Whole crawls of the fixture web: the cap, politeness, robots.txt, scope and limits, seen from the server. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrawlEngineTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path directory;

  private CrawlHarness harness;

  @BeforeEach
  void createHarness() {
    harness = new CrawlHarness(testKit, directory);
  }

  private static Set<String> reachable(FixtureWeb web, ReachOptions options) {
    return web.reachableUrls(options.withRedirectAddsDepth(false)).stream().map(ReachableUrl::url)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void neverHasMoreRequestsInFlightThanTheConcurrencyCapAndFetchesEveryReachablePageOnce() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(10).pagesPerHost(30).seed(7)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(30)).build())) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.fetch.concurrency = 4
          spindle.politeness.delay = 0s
          spindle.politeness.per-host-concurrency = 4
          """), web.seedUrls());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");

      assertTrue(web.peakConcurrentRequests() <= 4, "peak requests in flight " + web.peakConcurrentRequests());
      assertTrue(web.peakConcurrentRequests() >= 2, "the crawl never ran requests concurrently");
      assertEquals(reachable(web, ReachOptions.DEFAULT), run.urls());
      assertEquals(run.records().size(), run.ok().size(), "errors: " + run.records());
      for (RequestRecord request : web.requests()) {
        String url = "http://" + web.hostName(request.hostIndex()) + request.target();
        assertEquals(1, web.countOf(url), "fetched more than once: " + url);
      }
    }
  }

  @Test
  void waitsTheDelayBetweenRequestsToOneHostAndHonoursCrawlDelay() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(4).pagesPerHost(5).seed(11)
        .robots(RobotsProfile.ALLOW_ALL).robots(3, RobotsProfile.crawlDelay(1)).build())) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.fetch.concurrency = 8
          spindle.politeness.delay = 400ms
          """), web.seedUrls());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");

      assertEquals(reachable(web, ReachOptions.DEFAULT), run.urls());
      for (int host = 0; host < 3; host++) {
        Duration gap = web.minGapBetweenRequestStarts(host).orElseThrow();
        assertTrue(gap.compareTo(Duration.ofMillis(400)) >= 0, "host " + host + " gap " + gap);
        assertEquals(1, web.peakConcurrentRequests(host), "host " + host);
      }
      Duration crawlDelayGap = web.minGapBetweenRequestStarts(3).orElseThrow();
      assertTrue(crawlDelayGap.compareTo(Duration.ofSeconds(1)) >= 0, "crawl-delay host gap " + crawlDelayGap);
      long sequentialMillis = 0;
      for (int host = 0; host < 4; host++) {
        sequentialMillis += (web.requests(host).size() - 1) * (host == 3 ? 1000L : 400L);
      }
      assertTrue(run.summary().elapsed().toMillis() < sequentialMillis * 0.6,
          "hosts were not crawled side by side: " + run.summary().elapsed() + " vs " + sequentialMillis + " ms");
    }
  }

  @Test
  void obeysRobotsTxtDisallowAndTreatsA404RobotsAsAllowAll() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(40).seed(3)
        .robots(0, RobotsProfile.DISALLOW_SOME).robots(1, RobotsProfile.NOT_FOUND).build())) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.fetch.concurrency = 4
          spindle.politeness.delay = 0s
          """), web.seedUrls());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");

      assertTrue(web.pathsRequested(0).stream().noneMatch(path -> path.startsWith("/private/")),
          "fetched a disallowed path: " + web.pathsRequested(0));
      List<JsonNode> disallowed = run.withError("ROBOTS_DISALLOWED");
      assertFalse(disallowed.isEmpty(), "no link to a disallowed page was recorded");
      disallowed.forEach(record -> assertTrue(record.get("url").asText().contains("/private/"), record.toString()));
      disallowed.forEach(record -> assertTrue(record.get("status").isNull(), record.toString()));
      Set<String> fetched = run.ok().stream().map(record -> record.get("url").asText())
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(reachable(web, ReachOptions.DEFAULT), fetched);
      assertTrue(web.pathsRequested(1).size() > 1, "the host with a 404 robots.txt was not crawled");
    }
  }

  @Test
  void treatsA5xxRobotsTxtAsDisallowAllRetriesItAndThenRecordsEveryUrl() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(5).seed(5)
        .robots(0, RobotsProfile.SERVER_ERROR).robots(1, RobotsProfile.ALLOW_ALL).build())) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 0s
          spindle.robots.max-error-retries = 2
          """), web.seedUrls());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");

      assertEquals(List.of("/robots.txt", "/robots.txt", "/robots.txt"), web.pathsRequested(0),
          "only robots.txt may be requested from a host whose robots.txt fails");
      JsonNode seed = run.record(web.seedUrls().get(0));
      assertEquals("ROBOTS_UNAVAILABLE", seed.get("error").get("kind").asText());
      assertEquals(5, web.pathsRequested(1).stream().filter(path -> !path.equals("/robots.txt")).count());
    }
  }

  @Test
  void aFailingPageCostsOneErrorRecordAndTheRestOfTheCrawlCompletes() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(20).seed(13)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      String crash = web.pageUrl(1, 0);
      List<String> faults = List.of(web.faultUrl(0, Fault.HANG), web.faultUrl(0, Fault.RESET),
          web.faultUrl(0, Fault.ENDLESS), web.faultUrl(0, Fault.STATUS, 500), web.faultUrl(0, Fault.BAD_RESPONSE));
      List<String> seeds = new java.util.ArrayList<>(faults);
      seeds.addAll(web.seedUrls());
      PageParsing crashing = (body, type, url, tag) -> {
        if (url.equals(crash)) {
          throw new IllegalStateException("parser exploded");
        }
        return new spindle.parse.PageParser(spindle.parse.ParseSettings.defaults(),
            new spindle.core.url.UrlNormalizer(new spindle.core.url.NormalizationSettings(List.of())),
            List.of("SpindleBot")).parse(body, type, url, tag);
      };
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.fetch.concurrency = 8
          spindle.politeness.delay = 0s
          spindle.politeness.per-host-concurrency = 4
          spindle.fetch.max-body-size = 1MiB
          spindle.fetch.retry.max-retries = 0
          """), seeds, Optional.of(crashing), supervisor -> { });

      assertEquals("RESPONSE_TIMEOUT", kind(run.record(faults.get(0))));
      assertEquals("CONNECTION_RESET", kind(run.record(faults.get(1))));
      assertEquals("BODY_TOO_LARGE", kind(run.record(faults.get(2))));
      assertTrue(run.record(faults.get(2)).get("truncated").asBoolean());
      assertEquals("HTTP_SERVER_ERROR", kind(run.record(faults.get(3))));
      assertEquals(500, run.record(faults.get(3)).get("status").asInt());
      assertEquals("PROTOCOL_ERROR", kind(run.record(faults.get(4))));
      assertEquals("PARSE_ERROR", kind(run.record(crash)));
      Set<String> host0 = reachable(web, ReachOptions.DEFAULT.withSeeds(List.of(web.seedUrls().get(0))));
      assertTrue(run.urls().containsAll(host0), "pages of the healthy host missing");
      for (String url : faults) {
        assertEquals(1, run.records().stream().filter(r -> r.get("url").asText().equals(url)).count(), url);
      }
    }
  }

  @Test
  void followsRedirectChainsAndRecordsThemOnceAndStopsLoops() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(3).seed(17)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      String chain = web.faultUrl(0, Fault.REDIRECT_CHAIN, 3);
      String loop = web.faultUrl(0, Fault.REDIRECT_LOOP);
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 50ms
          spindle.scope.max-depth = 0
          """), List.of(chain, loop));
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");

      JsonNode chained = run.record(chain);
      assertEquals(200, chained.get("status").asInt());
      assertEquals(3, chained.get("redirects").size(), chained.toString());
      assertFalse(chained.get("final_url").asText().equals(chain));
      assertEquals("REDIRECT_LOOP", kind(run.record(loop)));
      assertEquals(2, run.records().size(), "one record per admitted URL: " + run.records());
      Duration gap = web.minGapBetweenRequestStarts(0).orElseThrow();
      assertTrue(gap.compareTo(Duration.ofMillis(50)) >= 0, "redirect hops skipped the host's delay: " + gap);
    }
  }

  @Test
  void retriesA429AfterRetryAfterAndRecordsTheFinalAnswer() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(1).seed(19)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      String flaky = web.faultUrl(0, Fault.TOO_MANY_REQUESTS_THEN_OK, 2);
      String alwaysBusy = web.faultUrl(0, Fault.TOO_MANY_REQUESTS, 1);
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 0s
          spindle.scope.max-depth = 0
          spindle.fetch.retry.max-retries = 2
          """), List.of(flaky, alwaysBusy));
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");

      JsonNode recovered = run.record(flaky);
      assertEquals(200, recovered.get("status").asInt(), recovered.toString());
      assertEquals(3, recovered.get("attempts").asInt());
      JsonNode gaveUp = run.record(alwaysBusy);
      assertEquals("HTTP_TOO_MANY_REQUESTS", kind(gaveUp));
      assertEquals(3, gaveUp.get("attempts").asInt());
      List<RequestRecord> busy = web.requests(0).stream().filter(r -> r.path().startsWith("/fault/429")).toList();
      for (int i = 1; i < busy.size(); i++) {
        if (busy.get(i).target().equals(busy.get(i - 1).target())) {
          long gapMillis = (busy.get(i).startNanos() - busy.get(i - 1).endNanos()) / 1_000_000;
          assertTrue(gapMillis >= 900, "retried before Retry-After: " + gapMillis + " ms");
        }
      }
    }
  }

  @Test
  void scopeDepthAndPageLimitsHold() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(3).pagesPerHost(60).seed(23)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      String seed = web.seedUrls().get(0);
      CrawlHarness.Run shallow = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 0s
          spindle.politeness.per-host-concurrency = 4
          spindle.scope.max-depth = 2
          """), List.of(seed));
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");
      assertEquals(reachable(web, ReachOptions.DEFAULT.withSeeds(List.of(seed)).withMaxDepth(2)
          .withFollowCrossHostLinks(false)), shallow.urls());
      shallow.records().forEach(record -> assertTrue(record.get("depth").asInt() <= 2, record.toString()));
      assertTrue(web.pathsRequested(1).isEmpty() && web.pathsRequested(2).isEmpty(),
          "left the seed's host without allowed-hosts");

      CrawlHarness.Run limited = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 0s
          spindle.politeness.per-host-concurrency = 4
          spindle.scope.max-pages = 25
          spindle.scope.max-pages-per-host = 10
          spindle.scope.allowed-hosts = ["127.0.1.1", "127.0.1.2", "127.0.1.3"]
          """), web.seedUrls());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");
      assertEquals(25, limited.records().size());
      for (int host = 0; host < 3; host++) {
        String prefix = web.baseUrl(host);
        long count = limited.records().stream().filter(r -> r.get("url").asText().startsWith(prefix)).count();
        assertTrue(count <= 10, "host " + host + " got " + count + " records");
      }
      assertTrue(limited.summary().counts().rejected() > 0);
    }
  }

  @Test
  void aStopDrainsRequestsInFlightAndWritesTheirRecords() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(200).seed(29)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(100), Duration.ofMillis(200)).build())) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 0s
          spindle.politeness.per-host-concurrency = 2
          """), web.seedUrls(), Optional.empty(),
          supervisor -> testKit.createTestProbe().awaitAssert(Duration.ofSeconds(20), () -> {
            assertTrue(web.requestCount() >= 12);
            supervisor.tell(CrawlSupervisor.Stop.INSTANCE);
            return null;
          }));

      assertTrue(run.summary().stopped());
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));
      long pagesServed = web.requests().stream().filter(r -> !r.path().equals("/robots.txt") && r.complete()).count();
      assertEquals(pagesServed, run.records().size(), "a page fetched before the stop has no record");
      assertTrue(run.summary().counts().queued() > 0, "the crawl finished before the stop");
    }
  }

  @Test
  void aPausedCrawlStartsNoRequestUntilResumedThenFinishes() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(3).pagesPerHost(40).seed(31)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
      TestProbe<Answer<WhyReport>> why = testKit.createTestProbe();
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 50ms
          """), web.seedUrls(), Optional.empty(), supervisor -> {
            why.awaitAssert(Duration.ofSeconds(20), () -> {
              assertTrue(web.requestCount() >= 10);
              return null;
            });
            supervisor.tell(CrawlSupervisor.Pause.INSTANCE);
            supervisor.tell(new CrawlSupervisor.Explain(10, why.ref()));
            assertTrue(why.receiveMessage(Duration.ofSeconds(5)).orElseThrow().paused());
            why.awaitAssert(Duration.ofSeconds(10), () -> {
              assertEquals(0, web.requestsInFlight());
              return null;
            });
            long requestsWhenPaused = web.requestCount();
            // an observation window: with a 50 ms delay, a running crawl would start several requests in it
            why.expectNoMessage(Duration.ofMillis(700));
            assertEquals(requestsWhenPaused, web.requestCount(), "a request started while the crawl was paused");
            // the hosts' offers wait in the broker meanwhile: /why must not call them in flight
            supervisor.tell(new CrawlSupervisor.Explain(10, why.ref()));
            WhyReport held = why.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
            assertEquals(List.of(), held.inFlight(), "in flight while paused and no request runs: " + held);
            supervisor.tell(CrawlSupervisor.Resume.INSTANCE);
          });

      assertEquals(reachable(web, ReachOptions.DEFAULT), run.urls());
      assertFalse(run.summary().stopped());
    }
  }

  @Test
  void reportsHostsAndWhyTheCrawlWaitsAndAppliesHostControlsLive() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(3).pagesPerHost(30).seed(37)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      HostKey blocked = HostKey.parse(web.hostName(2));
      TestProbe<Answer<HostList>> hosts = testKit.createTestProbe();
      TestProbe<Answer<HostReport>> host = testKit.createTestProbe();
      TestProbe<Answer<WhyReport>> why = testKit.createTestProbe();
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 300ms
          """), web.seedUrls(), Optional.empty(), supervisor -> {
            HostList list = hosts.awaitAssert(Duration.ofSeconds(20), () -> {
              supervisor.tell(new CrawlSupervisor.ListHosts(HostOrder.QUEUED, 10, hosts.ref()));
              HostList answer = hosts.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
              assertEquals(3, answer.totalHosts());
              assertTrue(answer.hosts().stream().allMatch(report -> report.fetched() >= 1), answer.toString());
              return answer;
            });
            assertTrue(list.hosts().stream().anyMatch(report -> report.queued() > 0), list.toString());
            assertTrue(list.hosts().stream().allMatch(r -> r.effectiveDelay().equals(Duration.ofMillis(300))));

            supervisor.tell(new CrawlSupervisor.Explain(10, why.ref()));
            WhyReport waiting = why.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
            assertTrue(waiting.politeness().size() + waiting.inFlight().size() + waiting.ready() > 0,
                waiting.toString());
            assertTrue(waiting.queued() > 0);

            supervisor.tell(new CrawlSupervisor.ControlHost(blocked, new HostControl(Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(true)), host.ref()));
            HostReport report = host.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
            assertTrue(report.blocked());
            assertEquals(blocked, report.host());
          });

      List<JsonNode> blockedRecords = run.withError("BLOCKED");
      assertFalse(blockedRecords.isEmpty(), "no URL of the blocked host was recorded as BLOCKED");
      long fetchedFromBlocked = run.ok().stream().filter(r -> r.get("url").asText().contains(web.hostName(2))).count();
      assertEquals(web.requests(2).stream().filter(r -> !r.path().equals("/robots.txt")).count(), fetchedFromBlocked,
          "a request to the blocked host has no record");
      for (JsonNode record : blockedRecords) {
        assertTrue(record.get("url").asText().contains(web.hostName(2)), record.toString());
      }
    }
  }

  @Test
  void runsAtMostMaxActiveHostsAndRotatesThemWithoutRefetchingRobotsTxtOrCuttingTheDelay() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(12).pagesPerHost(15).seed(41)
        .robots(RobotsProfile.ALLOW_ALL).build())) {
      TestProbe<Answer<WhyReport>> why = testKit.createTestProbe();
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.fetch.concurrency = 8
          spindle.politeness.delay = 100ms
          spindle.engine.max-active-hosts = 3
          spindle.engine.host-session-requests = 4
          """), web.seedUrls(), Optional.empty(), supervisor -> why.awaitAssert(Duration.ofSeconds(10), () -> {
            supervisor.tell(new CrawlSupervisor.Explain(10, why.ref()));
            WhyReport report = why.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
            assertTrue(report.activeHosts() <= 3 && report.waitingHosts() > 0, report.toString());
            return null;
          }));
      assertTrue(web.awaitIdle(Duration.ofSeconds(5)));

      assertEquals(reachable(web, ReachOptions.DEFAULT), run.urls());
      // one request per host at a time and three hosts at a time: never more than three requests at once
      assertTrue(web.peakConcurrentRequests() <= 3, "peak requests in flight " + web.peakConcurrentRequests());
      for (int host = 0; host < 12; host++) {
        long robots = web.pathsRequested(host).stream().filter(path -> path.equals("/robots.txt")).count();
        assertEquals(1, robots, "robots.txt requests to host " + host + " (a turn must carry the rules over)");
        Duration gap = web.minGapBetweenRequestStarts(host).orElseThrow();
        assertTrue(gap.compareTo(Duration.ofMillis(100)) >= 0, "host " + host + " gap " + gap);
      }
    }
  }

  private static String kind(JsonNode record) {
    return record.get("error").isNull() ? "none" : record.get("error").get("kind").asText();
  }
}
