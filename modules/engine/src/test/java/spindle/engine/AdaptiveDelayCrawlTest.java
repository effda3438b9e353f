package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.HostKey;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;

/** Whole crawls of the fixture web whose delay adapts to each host, seen from the server and from host reports. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdaptiveDelayCrawlTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path directory;

  private CrawlHarness harness;

  @BeforeEach
  void createHarness() {
    harness = new CrawlHarness(testKit, directory);
  }

  /** The host's page requests (robots.txt left out), in the order the server saw them. */
  private static List<RequestRecord> pages(FixtureWeb web, int host) {
    return web.requests(host).stream().filter(request -> !request.path().equals("/robots.txt")).toList();
  }

  private static Duration gap(RequestRecord before, RequestRecord after) {
    return Duration.ofNanos(after.startNanos() - before.endNanos());
  }

  private static HostReport report(ActorTestKit testKit, org.apache.pekko.actor.typed.ActorRef<CrawlSupervisor.Command>
      supervisor, HostKey host) {
    TestProbe<Answer<HostReport>> answer = testKit.createTestProbe();
    supervisor.tell(new CrawlSupervisor.GetHost(host, answer.ref()));
    return answer.receiveMessage(Duration.ofSeconds(5)).orElseThrow();
  }

  @Test
  void aSlowHostWaitsTheFactorTimesItsFetchUpToMaxDelayWhileAFastHostKeepsTheBaseDelay() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(8).seed(61)
        .crossHostLinkFraction(0).robots(RobotsProfile.ALLOW_ALL)
        .latency(0, Duration.ofMillis(200), Duration.ofMillis(220)).build())) {
      HostKey slow = HostKey.parse(web.hostName(0));
      HostKey fast = HostKey.parse(web.hostName(1));
      TestProbe<Object> waiting = testKit.createTestProbe();
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 100ms
          spindle.politeness.delay-factor = 2
          spindle.politeness.max-delay = 300ms
          """), web.seedUrls(), Optional.empty(), supervisor -> {
            HostReport capped = waiting.awaitAssert(Duration.ofSeconds(20), () -> {
              HostReport report = report(testKit, supervisor, slow);
              assertEquals("slow-responses", report.delaySource(), report.toString());
              return report;
            });
            assertEquals(Duration.ofMillis(300), capped.effectiveDelay()); // 2 x 200 ms and more, capped
            assertTrue(capped.delayReason().startsWith("slow responses (2 x last fetch "), capped.delayReason());
            assertTrue(capped.delayReason().endsWith(", capped at max-delay 300 ms"), capped.delayReason());
            waiting.awaitAssert(Duration.ofSeconds(20), () -> {
              HostReport report = report(testKit, supervisor, fast);
              assertTrue(report.fetched() >= 2, report.toString());
              assertEquals("base", report.delaySource(), report.toString());
              assertEquals(Duration.ofMillis(100), report.effectiveDelay());
              return null;
            });
          });
      assertEquals(run.records().size(), run.ok().size(), "errors: " + run.records());

      List<RequestRecord> slowPages = pages(web, 0);
      assertTrue(slowPages.size() >= 4, slowPages.toString());
      for (int i = 1; i < slowPages.size(); i++) {
        // the server's view of a fetch is never longer than the client's: 2 x 200 ms, capped at 300 ms
        Duration gap = gap(slowPages.get(i - 1), slowPages.get(i));
        assertTrue(gap.compareTo(Duration.ofMillis(300)) >= 0, "request " + i + " of the slow host after " + gap);
      }
    }
  }

  @Test
  void aHostAnswering503WithoutRetryAfterGetsAGrowingDelayThenComesBack() {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(14).seed(67)
        .crossHostLinkFraction(0).robots(RobotsProfile.ALLOW_ALL).unavailable(0, 4).build())) {
      CrawlHarness.Run run = harness.run(CrawlHarness.config("""
          spindle.politeness.delay = 100ms
          spindle.politeness.delay-factor = 0
          spindle.politeness.max-delay = 1s
          spindle.politeness.error-growth = 2
          spindle.politeness.recovery-responses = 1
          spindle.fetch.retry.max-retries = 5
          """), web.seedUrls());
      assertEquals(run.records().size(), run.ok().size(), "the 503s were retried until served: " + run.records());

      List<RequestRecord> pages = pages(web, 0);
      assertTrue(pages.size() >= 10, pages.toString());
      long[] grownTo = {200, 400, 800, 1000}; // doubled by each 503, capped at max-delay
      for (int i = 0; i < grownTo.length; i++) {
        assertEquals(503, pages.get(i).status());
        Duration gap = gap(pages.get(i), pages.get(i + 1));
        assertTrue(gap.compareTo(Duration.ofMillis(grownTo[i])) >= 0, "after 503 number " + (i + 1) + ": " + gap);
      }
      // each healthy answer halves it: 500, 250, 125 ms, then the base again
      long[] recovering = {500, 250, 125, 100};
      for (int i = 0; i < recovering.length; i++) {
        RequestRecord answered = pages.get(grownTo.length + i);
        assertEquals(200, answered.status());
        Duration gap = gap(answered, pages.get(grownTo.length + i + 1));
        assertTrue(gap.compareTo(Duration.ofMillis(recovering[i])) >= 0, "after 200 number " + (i + 1) + ": " + gap);
      }
      Duration last = gap(pages.get(pages.size() - 2), pages.get(pages.size() - 1));
      assertTrue(last.compareTo(Duration.ofMillis(700)) < 0, "the delay never came back down: " + last);
    }
  }
}
