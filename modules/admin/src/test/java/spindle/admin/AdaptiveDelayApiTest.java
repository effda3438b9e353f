package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.engine.CrawlSupervisor;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * {@code GET /api/jobs/{id}/hosts/{host}} of a real crawl whose host is overloaded for a while (503 without
 * Retry-After): the host's delay grows, the API says why, and it comes back to the base once the host is healthy.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdaptiveDelayApiTest extends JUnit5RouteTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  static Path directory;

  private FixtureWeb web;
  private ActorRef<JobManager.Command> manager;
  private TestRoute route;

  @Override
  protected ActorSystem<?> typedSystem() {
    return testKit.system();
  }

  @BeforeAll
  void start() throws Exception {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(40).seed(71).crossHostLinkFraction(0)
        .robots(RobotsProfile.ALLOW_ALL).unavailable(0, 4).build());
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.empty());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostMetrics hostMetrics = new HostMetrics(registry, 2);
    manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(
        new TestLauncher(Files.createDirectories(directory.resolve("out"))), registry, hostMetrics, settings,
        new JobFiles(settings.jobsDirectory()), CrawlSupervisor::create, Clock.systemUTC())));
    route = testRoute(new AdminRoutes(testKit.system(), manager, settings, registry, hostMetrics,
        Clock.systemUTC()).route());
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private JsonNode host(String path) {
    TestRouteResult result = route.run(HttpRequest.GET(path));
    result.assertStatusCode(200);
    return AdminRoutesTest.json(result);
  }

  @Test
  void anOverloadedHostsDelayGrowsThenRecoversAndHostsSaysWhy() {
    String body = "spindle.job.name = overloaded\n"
        + "spindle.job.seeds = [\"" + web.seedUrls().get(0) + "\"]\n"
        + "spindle.sitemaps.enabled = off\n"
        + "spindle.politeness.delay = 100ms\n"
        + "spindle.politeness.delay-factor = 0\n"
        + "spindle.politeness.max-delay = 2s\n"
        + "spindle.politeness.error-growth = 2\n"
        + "spindle.politeness.recovery-responses = 2\n"
        + "spindle.fetch.retry.max-retries = 6\n"
        + "spindle.fetch.retry.base-backoff = 50ms\n";
    route.run(AdminRoutesTest.post("/api/jobs", body)).assertStatusCode(201);
    String path = "/api/jobs/overloaded/hosts/" + web.hostName(0);
    List<String> seen = new ArrayList<>();
    TestProbe<Object> waiting = testKit.createTestProbe();

    JsonNode grown = waiting.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
      JsonNode host = host(path);
      seen.add(host.get("delay_reason").asText());
      assertEquals("errors", host.get("delay_source").asText(), host.toString());
      assertTrue(host.get("delay_reason").asText().matches("5xx: grown after [34] errors"), host.toString());
      return host;
    });
    assertTrue(grown.get("effective_delay_ms").asLong() >= 800, grown.toString()); // 100 ms doubled 3 or 4 times

    JsonNode recovering = waiting.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
      JsonNode host = host(path);
      seen.add(host.get("delay_reason").asText());
      assertEquals("recovering", host.get("delay_source").asText(), host.toString());
      return host;
    });
    assertEquals("recovering after 4 errors", recovering.get("delay_reason").asText());
    long recoveringDelay = recovering.get("effective_delay_ms").asLong();
    assertTrue(recoveringDelay > 100 && recoveringDelay < 1600, recovering.toString());

    JsonNode healthy = waiting.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(20), () -> {
      JsonNode host = host(path);
      seen.add(host.get("delay_reason").asText());
      assertEquals("base", host.get("delay_source").asText(), host.toString());
      return host;
    });
    assertEquals(100, healthy.get("effective_delay_ms").asLong(), healthy.toString());
    assertEquals("base", healthy.get("delay_reason").asText());
    assertEquals(200, healthy.get("last_status").asInt(), "reasons seen: " + seen);
  }
}
