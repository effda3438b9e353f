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
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Host;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.DefaultHostInfo;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.http.javadsl.server.Route;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A web page the operator visits cannot steer the service: mutations need a content type that a browser sends
 * across sites only after a preflight, which the service never grants (no CORS headers); a request from another
 * origin is refused; and a name re-pointed at this machine (DNS rebinding) is not taken for the service's own.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossSiteTest extends JUnit5RouteTest {
  private static final String OWN_ORIGIN = "http://127.0.0.1:8080";

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  static Path directory;

  private TestLauncher launcher;
  private Route routes;
  private TestRoute route;

  @Override
  protected ActorSystem<?> typedSystem() {
    return testKit.system();
  }

  @BeforeAll
  void start() {
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.empty());
    launcher = new TestLauncher(directory);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostMetrics hostMetrics = new HostMetrics(registry, 2);
    var manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(launcher, registry, hostMetrics,
        settings, new JobFiles(settings.jobsDirectory()), new FakeCrawls(testKit.createTestProbe()).factory(),
        Clock.systemUTC())));
    routes = new AdminRoutes(testKit.system(), manager, settings, registry, hostMetrics, Clock.systemUTC()).route();
    route = testRoute(routes);
  }

  private int jobs() {
    return AdminRoutesTest.json(route.run(HttpRequest.GET("/api/jobs")).assertStatusCode(200)).get("jobs").size();
  }

  private static String error(TestRouteResult result) {
    return AdminRoutesTest.json(result).get("error").asText();
  }

  @Test
  void aJobPostedAsPlainTextOrAsAFormGets415AndNothingStarts() {
    int before = jobs();
    int opened = launcher.opened();
    TestRouteResult plain = route.run(HttpRequest.POST("/api/jobs").withEntity(ContentTypes.TEXT_PLAIN_UTF8,
        AdminRoutesTest.job("plain")));
    plain.assertStatusCode(415);
    assertTrue(error(plain).contains("Content-Type: application/json"), error(plain));
    route.run(HttpRequest.POST("/api/jobs").withEntity(ContentTypes.APPLICATION_X_WWW_FORM_URLENCODED,
        AdminRoutesTest.job("form"))).assertStatusCode(415);
    assertEquals(before, jobs());
    assertEquals(opened, launcher.opened(), "a refused request opened a store");
  }

  @Test
  void aBodilessPauseWithoutAContentTypeGets415() {
    route.run(HttpRequest.POST("/api/jobs/any/pause")).assertStatusCode(415);
    route.run(HttpRequest.create("/api/jobs/any/hosts/127.0.0.1").withMethod(HttpMethods.PATCH)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "{\"paused\": true}")).assertStatusCode(415);
  }

  @Test
  void aMutationFromAnotherOriginGets403EvenWithAJsonBody() {
    int before = jobs();
    for (String origin : new String[] {"http://evil.example", "null", "http://127.0.0.1:8081", "https://127.0.0.1:8080"}) {
      TestRouteResult refused = route.run(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("cross"))
          .addHeader(RawHeader.create("Origin", origin)));
      refused.assertStatusCode(403);
      assertTrue(error(refused).contains("cross-origin"), error(refused));
    }
    assertEquals(before, jobs());
  }

  @Test
  void theServicesOwnPageMayChangeThings() {
    route.run(AdminRoutesTest.post("/api/jobs", AdminRoutesTest.job("own")).addHeader(RawHeader.create("Origin",
        OWN_ORIGIN))).assertStatusCode(201);
    route.run(AdminRoutesTest.postJson("/api/jobs/own/pause", "").addHeader(RawHeader.create("Origin", OWN_ORIGIN)))
        .assertStatusCode(200);
  }

  @Test
  void aNameThatIsNotTheServicesGets403ForReadsToo() {
    TestRouteResult rebound = runRoute(routes, HttpRequest.GET("/api/jobs"),
        new DefaultHostInfo(Host.create("attacker.example", 8080), false));
    rebound.assertStatusCode(403);
    assertTrue(error(rebound).contains("attacker.example"), error(rebound));
    runRoute(routes, HttpRequest.GET("/api/jobs"), new DefaultHostInfo(Host.create("localhost", 8080), false))
        .assertStatusCode(200);
    runRoute(routes, HttpRequest.GET("/api/jobs"), new DefaultHostInfo(Host.create("[::1]", 8080), false))
        .assertStatusCode(200);
  }

  @Test
  void noResponseGrantsCrossOriginAccess() {
    TestRouteResult preflight = route.run(HttpRequest.create("/api/jobs").withMethod(HttpMethods.OPTIONS)
        .addHeader(RawHeader.create("Origin", "http://evil.example"))
        .addHeader(RawHeader.create("Access-Control-Request-Method", "POST"))
        .addHeader(RawHeader.create("Access-Control-Request-Headers", "content-type")));
    TestRouteResult read = route.run(HttpRequest.GET("/api/jobs").addHeader(RawHeader.create("Origin",
        "http://evil.example")));
    for (TestRouteResult result : new TestRouteResult[] {preflight, read}) {
      for (HttpHeader header : result.response().getHeaders()) {
        assertTrue(!header.lowercaseName().startsWith("access-control-"), "a CORS header: " + header);
      }
    }
    assertTrue(preflight.response().status().intValue() >= 400, "a preflight was answered " + preflight.response());
  }
}
