package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** With {@code spindle.admin.token} set, requests that change something need the bearer token; reading does not. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminAuthTest extends JUnit5RouteTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  static Path directory;

  private TestLauncher launcher;
  private TestRoute route;

  @Override
  protected ActorSystem<?> typedSystem() {
    return testKit.system();
  }

  @BeforeAll
  void start() {
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.of("s3cret"));
    launcher = new TestLauncher(directory);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostMetrics hostMetrics = new HostMetrics(registry, 2);
    var manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(launcher, registry, hostMetrics,
        settings, new JobFiles(settings.jobsDirectory()), new FakeCrawls(testKit.createTestProbe()).factory(),
        Clock.systemUTC())));
    route = testRoute(new AdminRoutes(testKit.system(), manager, settings, registry, hostMetrics, Clock.systemUTC())
        .route());
  }

  private static HttpRequest withToken(HttpRequest request, String value) {
    return request.addHeader(RawHeader.create("Authorization", value));
  }

  @Test
  void aMutationWithoutTheTokenIs401WithAChallengeAndChangesNothing() {
    TestRouteResult missing = route.run(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("locked")));
    missing.assertStatusCode(401).assertHeaderExists("WWW-Authenticate", "Bearer realm=\"spindle\"");
    assertTrue(AdminRoutesTest.json(missing).get("error").asText().contains("Authorization: Bearer"));
    route.run(withToken(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("locked")), "Bearer wrong"))
        .assertStatusCode(401);
    route.run(withToken(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("locked")), "Basic czNjcmV0"))
        .assertStatusCode(401);
    route.run(withToken(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("locked")), "Bearer s3cret2"))
        .assertStatusCode(401);
    assertEquals(0, launcher.opened());
    route.run(HttpRequest.GET("/api/jobs/locked")).assertStatusCode(404);
  }

  @Test
  void theTokenLetsAMutationThroughAndReadingNeedsNone() {
    route.run(withToken(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("open")), "Bearer s3cret"))
        .assertStatusCode(201);
    route.run(HttpRequest.GET("/api/jobs/open")).assertStatusCode(200);
    route.run(HttpRequest.GET("/metrics")).assertStatusCode(200);
    route.run(AdminRoutesTest.post("/api/jobs/open/pause", "")).assertStatusCode(401);
    route.run(withToken(AdminRoutesTest.post("/api/jobs/open/pause", ""), "bearer s3cret")).assertStatusCode(200);
    route.run(AdminRoutesTest.patchJson("/api/jobs/open/hosts/a.example", "{\"paused\": true}")).assertStatusCode(401);
  }
}
