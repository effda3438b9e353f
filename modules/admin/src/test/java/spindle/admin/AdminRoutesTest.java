package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRoute;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.HostKey;
import spindle.engine.CrawlSupervisor;
import spindle.store.HostOrder;

/** The admin API's routes over a real job manager whose crawls are fakes (see {@link FakeCrawls}). */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminRoutesTest extends JUnit5RouteTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path root;

  private TestProbe<CrawlSupervisor.Command> commands;
  private FakeCrawls crawls;
  private TestLauncher launcher;
  private ActorRef<JobManager.Command> manager;
  private AdminRoutes routes;
  private TestRoute route;

  @Override
  protected ActorSystem<?> typedSystem() {
    return testKit.system();
  }

  /** A fresh manager, jobs directory and crawls for each test; the actor system is shared. */
  @BeforeEach
  void startManager() throws Exception {
    Path directory = Files.createTempDirectory(root, "test");
    AdminSettings settings = settings(directory, Optional.empty());
    commands = testKit.createTestProbe();
    crawls = new FakeCrawls(commands);
    launcher = new TestLauncher(directory);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostMetrics hostMetrics = new HostMetrics(registry, 2);
    manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(launcher, registry, hostMetrics, settings,
        new JobFiles(directory.resolve("service")), crawls.factory(), Clock.systemUTC())));
    routes = new AdminRoutes(testKit.system(), manager, settings, registry, hostMetrics, Clock.systemUTC());
    route = testRoute(routes.route());
  }

  @AfterEach
  void stopManager() {
    testKit.stop(manager);
  }

  static AdminSettings settings(Path directory, Optional<String> token) {
    return new AdminSettings("127.0.0.1", 0, token, 4096, 2, directory.resolve("service"), Duration.ofSeconds(3),
        directory.resolve("out"), directory.resolve("data"));
  }

  /** The content type of a HOCON job, which the service requires (with JSON's) on every POST and PATCH. */
  static final ContentType.NonBinary HOCON = MediaTypes.applicationWithOpenCharset("hocon")
      .toContentType(HttpCharsets.UTF_8);

  static HttpRequest post(String path, String body) {
    return HttpRequest.POST(path).withEntity(HOCON, body);
  }

  static HttpRequest postJson(String path, String body) {
    return HttpRequest.POST(path).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  static HttpRequest patchJson(String path, String body) {
    return HttpRequest.create(path).withMethod(HttpMethods.PATCH).withEntity(ContentTypes.APPLICATION_JSON, body);
  }

  static JsonNode json(TestRouteResult result) {
    try {
      return JSON.readTree(result.entityString());
    } catch (java.io.IOException notJson) {
      throw new AssertionError("not JSON: " + result.entityString(), notJson);
    }
  }

  static String job(String name) {
    return "spindle.job.name = " + name + "\nspindle.job.seeds = [\"http://a.example/\", \"http://b.example:8080/\"]\n";
  }

  private JsonNode submit(String name) {
    TestRouteResult result = route.run(post("/api/jobs", job(name)));
    result.assertStatusCode(201);
    return json(result);
  }

  private JsonNode awaitState(String id, String state) {
    List<JsonNode> last = new ArrayList<>();
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      JsonNode job = json(route.run(HttpRequest.GET("/api/jobs/" + id)).assertStatusCode(200));
      last.add(0, job);
      assertEquals(state, job.get("state").asText(), job.toString());
      return null;
    });
    return last.get(0);
  }

  // ---------------------------------------------------------------------------------------------- jobs

  @Test
  void aSubmittedHoconJobStartsAndIsAnswered201WithItsLocation() {
    TestRouteResult result = route.run(post("/api/jobs", job("alpha")));
    result.assertStatusCode(201).assertHeaderExists("Location", "/api/jobs/alpha");
    JsonNode job = json(result);
    assertEquals("alpha", job.get("id").asText());
    assertEquals("alpha", job.get("name").asText());
    assertEquals("running", job.get("state").asText());
    assertTrue(job.get("ended").isNull());
    assertTrue(job.get("error").isNull());
    assertEquals("memory", job.get("store").asText());
    assertTrue(job.get("output").asText().endsWith("alpha.jsonl"), job.toString());
    for (String field : List.of("discovered", "queued", "in_flight", "fetched", "failed")) {
      assertTrue(job.get("counts").has(field), field);
    }
    assertTrue(job.has("pages_per_second") && job.has("eta_seconds") && job.has("started"), job.toString());
    assertEquals("alpha", crawls.job("alpha").settings().job().name());
  }

  @Test
  void theClusterOfAServiceThatIsNotANodeIsAConflictThatSaysHowToRunOne() {
    TestRouteResult result = route.run(HttpRequest.GET("/api/cluster"));
    result.assertStatusCode(409);
    assertEquals("this service is not a node of a cluster (spindle serve --cluster)",
        json(result).get("error").asText());
  }

  @Test
  void aJsonJobIsReadAsStrictJsonWithNestedKeys() {
    TestRouteResult result = route.run(postJson("/api/jobs",
        "{\"spindle\": {\"job\": {\"name\": \"json-job\", \"seeds\": [\"http://a.example/\"]}}}"));
    result.assertStatusCode(201);
    assertEquals("json-job", json(result).get("id").asText());
    assertEquals(1, crawls.job("json-job").seeds().size());
  }

  @Test
  void jobsWithoutANameGetJob1ThenJob2() {
    String unnamed = "spindle.job.seeds = [\"http://a.example/\"]";
    assertEquals("job-1", json(route.run(post("/api/jobs", unnamed)).assertStatusCode(201)).get("id").asText());
    assertEquals("job-2", json(route.run(post("/api/jobs", unnamed)).assertStatusCode(201)).get("id").asText());
    JsonNode jobs = json(route.run(HttpRequest.GET("/api/jobs")).assertStatusCode(200)).get("jobs");
    assertEquals(2, jobs.size());
    assertEquals("job-1", jobs.get(0).get("id").asText());
  }

  @Test
  void aBadJobGets400WithItsOneLineMessageAndNoJobIsCreated() {
    TestRouteResult result = route.run(post("/api/jobs", "spindle.job.name = bad\nspindle.job.seeds = [\"ftp://x/\"]"));
    result.assertStatusCode(400);
    String error = json(result).get("error").asText();
    assertTrue(error.startsWith("spindle.job.seeds[0]: "), error);
    assertFalse(error.contains("\n"));
    assertEquals(0, json(route.run(HttpRequest.GET("/api/jobs"))).get("jobs").size());
    assertEquals(0, launcher.opened(), "a rejected job opened a store");
    route.run(HttpRequest.GET("/api/jobs/bad")).assertStatusCode(404);
  }

  @Test
  void aBodyThatIsNotHoconGets400NamingTheLine() {
    TestRouteResult result = route.run(post("/api/jobs", "spindle.job.name = x\nspindle {"));
    result.assertStatusCode(400);
    assertTrue(json(result).get("error").asText().startsWith("job: 2"), result.entityString());
  }

  @Test
  void anEmptyBodyGets400() {
    route.run(post("/api/jobs", "  ")).assertStatusCode(400);
  }

  @Test
  void submittingTheIdOfARunningJobGets409AndStartsNothing() {
    submit("busy");
    TestRouteResult again = route.run(post("/api/jobs", job("busy")));
    again.assertStatusCode(409);
    assertTrue(json(again).get("error").asText().contains("busy is running"), again.entityString());
    assertEquals(1, launcher.opened());
  }

  @Test
  void resubmittingAnEndedJobReplacesItAndStartsItAgain() {
    submit("again");
    route.run(post("/api/jobs/again/stop", "")).assertStatusCode(200);
    awaitState("again", "stopped");
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(1, launcher.closed(), "the ended job's store is closed");
      return null;
    });
    JsonNode restarted = submit("again");
    assertEquals("running", restarted.get("state").asText());
    assertEquals(1, json(route.run(HttpRequest.GET("/api/jobs"))).get("jobs").size());
  }

  @Test
  void aFinishedJobIsListedAsFinishedWithItsCountsAndEndTime() {
    submit("done");
    crawls.finish("done");
    JsonNode job = awaitState("done", "finished");
    assertFalse(job.get("ended").isNull());
    assertEquals(2, job.get("counts").get("queued").asLong(), "the fake crawl leaves its two seeds queued");
    assertEquals(0.0, job.get("pages_per_second").asDouble());
    assertTrue(job.get("eta_seconds").isNull());
  }

  @Test
  void anUnknownJobIs404AndAnInvalidIdIs400() {
    assertTrue(json(route.run(HttpRequest.GET("/api/jobs/nope")).assertStatusCode(404)).get("error").asText()
        .contains("nope"));
    route.run(HttpRequest.GET("/api/jobs/-bad")).assertStatusCode(400);
    route.run(HttpRequest.GET("/api/jobs/" + "x".repeat(65))).assertStatusCode(400);
    route.run(HttpRequest.GET("/api/jobs/a%20b")).assertStatusCode(400);
    route.run(post("/api/jobs/nope/pause", "")).assertStatusCode(404);
  }

  // ---------------------------------------------------------------------------------------------- control

  @Test
  void pauseResumeAndStopChangeTheStateAndReachTheCrawl() {
    submit("steer");
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      JsonNode running = json(route.run(HttpRequest.GET("/api/jobs/steer")));
      assertEquals(2.5, running.get("pages_per_second").asDouble(), running.toString());
      assertEquals(1, running.get("eta_seconds").asLong(), "2 queued at 2.5 pages/s: " + running);
      return null;
    });
    JsonNode paused = json(route.run(post("/api/jobs/steer/pause", "")).assertStatusCode(200));
    assertEquals("paused", paused.get("state").asText());
    assertTrue(paused.get("eta_seconds").isNull(), "a paused job has no ETA: " + paused);
    commands.expectMessage(CrawlSupervisor.Pause.INSTANCE);
    route.run(post("/api/jobs/steer/pause", "")).assertStatusCode(200); // pausing a paused job is fine
    assertEquals("running", json(route.run(post("/api/jobs/steer/resume", "")).assertStatusCode(200))
        .get("state").asText());
    commands.expectMessage(CrawlSupervisor.Resume.INSTANCE);
    assertEquals("stopping", json(route.run(post("/api/jobs/steer/stop", "")).assertStatusCode(200))
        .get("state").asText());
    commands.expectMessage(CrawlSupervisor.Stop.INSTANCE);
    awaitState("steer", "stopped");
    TestRouteResult late = route.run(post("/api/jobs/steer/pause", ""));
    late.assertStatusCode(409);
    assertTrue(json(late).get("error").asText().contains("has ended"), late.entityString());
    route.run(post("/api/jobs/steer/resume", "")).assertStatusCode(409);
    route.run(post("/api/jobs/steer/stop", "")).assertStatusCode(409);
  }

  @Test
  void seedsAreHandedToTheCrawlCanonicalised() {
    submit("seeded");
    TestRouteResult result = route.run(postJson("/api/jobs/seeded/seeds",
        "{\"seeds\": [\"HTTP://New.Example:80/a/../b\", \"http://other.example/\"]}"));
    result.assertStatusCode(202);
    assertEquals(2, json(result).get("submitted").asInt());
    CrawlSupervisor.AddSeeds added = commands.expectMessageClass(CrawlSupervisor.AddSeeds.class);
    assertEquals("http://new.example/b", added.seeds().get(0).url());
    assertEquals(HostKey.parse("new.example"), added.seeds().get(0).host());
  }

  @Test
  void anInvalidSeedGets400NamingItAndNothingIsAdded() {
    submit("badseed");
    TestRouteResult result = route.run(postJson("/api/jobs/badseed/seeds",
        "{\"seeds\": [\"http://ok.example/\", \"mailto:someone@example.org\"]}"));
    result.assertStatusCode(400);
    assertTrue(json(result).get("error").asText().contains("mailto:someone@example.org"), result.entityString());
    route.run(postJson("/api/jobs/badseed/seeds", "{\"urls\": []}")).assertStatusCode(400);
    route.run(postJson("/api/jobs/badseed/seeds", "{\"seeds\": [1]}")).assertStatusCode(400);
    route.run(postJson("/api/jobs/badseed/seeds", "{\"seeds\": [")).assertStatusCode(400);
    commands.expectNoMessage(Duration.ofMillis(200));
  }

  // ---------------------------------------------------------------------------------------------- hosts, why, series

  @Test
  void hostsAreListedInTheRequestedOrderAndLimit() {
    submit("hosts");
    JsonNode page = json(route.run(HttpRequest.GET("/api/jobs/hosts/hosts?sort=fetched&limit=2"))
        .assertStatusCode(200));
    CrawlSupervisor.ListHosts asked = commands.expectMessageClass(CrawlSupervisor.ListHosts.class);
    assertEquals(HostOrder.FETCHED, asked.order());
    assertEquals(2, asked.limit());
    assertEquals(2, page.get("hosts").size());
    assertEquals(3, page.get("total_hosts").asInt());
    assertEquals("fetched", page.get("sort").asText());
    assertEquals(2, page.get("limit").asInt());
    JsonNode host = page.get("hosts").get(0);
    assertEquals("a.example", host.get("host").asText());
    for (String field : List.of("queued", "in_flight", "fetched", "errors", "robots", "effective_delay_ms",
        "delay_source", "delay_reason", "next_fetch_at", "backoff_until", "robots_retry_at", "last_status", "paused", "blocked", "concurrency",
        "active", "leases")) {
      assertTrue(host.has(field), field + " missing in " + host);
    }
    assertEquals(1000, host.get("effective_delay_ms").asLong());
    assertEquals("base", host.get("delay_source").asText());
    assertEquals("base", host.get("delay_reason").asText());
    assertEquals("2030-01-01T00:00:01Z", host.get("next_fetch_at").asText());
    assertTrue(host.get("backoff_until").isNull());
    assertEquals(250, host.get("leases").get(0).get("age_ms").asLong());

    JsonNode defaults = json(route.run(HttpRequest.GET("/api/jobs/hosts/hosts")).assertStatusCode(200));
    assertEquals("queued", defaults.get("sort").asText());
    assertEquals(50, defaults.get("limit").asInt());
    route.run(HttpRequest.GET("/api/jobs/hosts/hosts?sort=size")).assertStatusCode(400);
    route.run(HttpRequest.GET("/api/jobs/hosts/hosts?limit=0")).assertStatusCode(400);
    route.run(HttpRequest.GET("/api/jobs/hosts/hosts?limit=1001")).assertStatusCode(400);
    route.run(HttpRequest.GET("/api/jobs/hosts/hosts?limit=ten")).assertStatusCode(400);
  }

  @Test
  void oneHostIsReportedAndChangedLive() {
    submit("onehost");
    JsonNode host = json(route.run(HttpRequest.GET("/api/jobs/onehost/hosts/b.example:8080")).assertStatusCode(200));
    assertEquals("b.example:8080", host.get("host").asText());
    assertEquals(HostKey.parse("b.example:8080"), commands.expectMessageClass(CrawlSupervisor.GetHost.class).host());

    JsonNode changed = json(route.run(patchJson("/api/jobs/onehost/hosts/b.example:8080",
        "{\"delay\": \"2s\", \"concurrency\": 2, \"paused\": true, \"blocked\": false}")).assertStatusCode(200));
    CrawlSupervisor.ControlHost control = commands.expectMessageClass(CrawlSupervisor.ControlHost.class);
    assertEquals(Optional.of(Duration.ofSeconds(2)), control.control().delay());
    assertEquals(Optional.of(2), control.control().concurrency());
    assertEquals(Optional.of(true), control.control().paused());
    assertEquals(Optional.of(false), control.control().blocked());
    assertEquals(2000, changed.get("effective_delay_ms").asLong());
    assertEquals("operator", changed.get("delay_source").asText());
    assertTrue(changed.get("paused").asBoolean());

    route.run(patchJson("/api/jobs/onehost/hosts/b.example:8080", "{\"delay\": 1500}")).assertStatusCode(200);
    assertEquals(Optional.of(Duration.ofMillis(1500)),
        commands.expectMessageClass(CrawlSupervisor.ControlHost.class).control().delay());
  }

  @Test
  void aHostReportTheCrawlCannotGiveGets503WithTheReason() {
    submit("unreadable");
    TestRouteResult result = route.run(HttpRequest.GET("/api/jobs/unreadable/hosts/" + FakeCrawls.UNREADABLE_HOST));
    result.assertStatusCode(503);
    assertEquals("job unreadable could not answer: could not read the crawl's frontier: the disk is gone",
        json(result).get("error").asText());
  }

  @Test
  void aBadHostChangeGets400NamingTheFieldAndReachesNoCrawl() {
    submit("badpatch");
    for (String body : List.of("{\"dealy\": \"2s\"}", "{\"delay\": \"soon\"}", "{\"delay\": -5}",
        "{\"concurrency\": 0}", "{\"concurrency\": 1.5}", "{\"paused\": \"yes\"}", "[]", "{")) {
      TestRouteResult result = route.run(patchJson("/api/jobs/badpatch/hosts/a.example", body));
      result.assertStatusCode(400);
      assertFalse(json(result).get("error").asText().isBlank(), body);
    }
    assertTrue(json(route.run(patchJson("/api/jobs/badpatch/hosts/a.example", "{\"dealy\": \"2s\"}")))
        .get("error").asText().contains("dealy"));
    route.run(HttpRequest.GET("/api/jobs/badpatch/hosts/a%20host")).assertStatusCode(400);
    route.run(HttpRequest.GET("/api/jobs/badpatch/hosts/" + "h".repeat(300))).assertStatusCode(400);
    commands.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void hostsOfAnEndedJobGet409() {
    submit("gone");
    crawls.finish("gone");
    awaitState("gone", "finished");
    route.run(HttpRequest.GET("/api/jobs/gone/hosts")).assertStatusCode(409);
    route.run(HttpRequest.GET("/api/jobs/gone/hosts/a.example")).assertStatusCode(409);
    route.run(patchJson("/api/jobs/gone/hosts/a.example", "{\"paused\": true}")).assertStatusCode(409);
  }

  @Test
  void whyExplainsARunningJobFromItsCrawlAndAnEndedOneFromItsState() {
    submit("why");
    JsonNode why = json(route.run(HttpRequest.GET("/api/jobs/why/why?limit=2")).assertStatusCode(200));
    assertEquals(2, commands.expectMessageClass(CrawlSupervisor.Explain.class).limit());
    assertEquals("why", why.get("job").asText());
    assertFalse(why.get("finished").asBoolean());
    assertEquals(7, why.get("queued").asLong());
    assertEquals(1, why.get("ready_hosts").asInt());
    assertEquals(2, why.get("waiting_hosts").asInt());
    JsonNode politeness = why.get("politeness").get(0);
    assertEquals("a.example", politeness.get("host").asText());
    assertTrue(politeness.get("wait_ms").asLong() > 0 && politeness.get("wait_ms").asLong() <= 2000, why.toString());
    assertTrue(why.get("robots").get(0).get("until").isNull());
    assertEquals("http://a.example/x", why.get("in_flight").get(0).get("url").asText());
    assertTrue(why.get("truncated").asBoolean());
    assertEquals("7 URLs queued and 1 leased on 3 active hosts: 1 ready for a fetcher, 1 waiting for their politeness "
        + "delay, 1 backing off after 429/503, 1 waiting for robots.txt, 0 paused; 1 requests in flight; 2 more hosts "
        + "with work wait for a turn (spindle.engine.max-active-hosts).",
        why.get("summary").asText());
    route.run(HttpRequest.GET("/api/jobs/why/why?limit=nope")).assertStatusCode(400);

    crawls.finish("why");
    awaitState("why", "finished");
    JsonNode ended = json(route.run(HttpRequest.GET("/api/jobs/why/why")).assertStatusCode(200));
    assertTrue(ended.get("finished").asBoolean());
    assertEquals("The job finished: nothing was left to fetch.", ended.get("summary").asText());
    assertEquals(0, ended.get("politeness").size());
  }

  @Test
  void theSeriesHoldsTheCrawlsProgressSamples() {
    submit("series");
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      JsonNode series = json(route.run(HttpRequest.GET("/api/jobs/series/series")).assertStatusCode(200));
      assertEquals(1, series.get("interval_seconds").asInt());
      assertEquals(1, series.get("samples").size(), series.toString());
      JsonNode sample = series.get("samples").get(0);
      assertEquals(2, sample.get("queued").asLong());
      assertEquals(1, sample.get("in_flight").asInt());
      assertEquals(2.5, sample.get("pages_per_second").asDouble());
      assertEquals(0, sample.get("failed").asLong());
      assertEquals(0.0, sample.get("errors_per_second").asDouble(), "the first sample has no rate of errors");
      assertTrue(sample.has("t") && sample.has("done"));
      return null;
    });
    route.run(HttpRequest.GET("/api/jobs/nothing/series")).assertStatusCode(404);
  }

  // ---------------------------------------------------------------------------------------------- the rest

  @Test
  void healthSaysLiveAndReadyOnceSavedJobsAreRead() {
    assertEquals("live", json(route.run(HttpRequest.GET("/health/live")).assertStatusCode(200)).get("status")
        .asText());
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals("ready", json(route.run(HttpRequest.GET("/health/ready")).assertStatusCode(200)).get("status")
          .asText());
      return null;
    });
  }

  @Test
  void unknownPathsAre404AndOtherMethodsAre405AsJson() {
    TestRouteResult missing = route.run(HttpRequest.GET("/api/nothing"));
    missing.assertStatusCode(404).assertContentType(ContentTypes.APPLICATION_JSON);
    assertTrue(json(missing).get("error").asText().contains("/api/nothing"));
    TestRouteResult wrong = route.run(HttpRequest.DELETE("/api/jobs"));
    wrong.assertStatusCode(405).assertHeaderExists("Allow", "GET, POST");
    assertTrue(json(wrong).get("error").asText().contains("DELETE"));
    route.run(HttpRequest.GET("/api/jobs/")).assertStatusCode(404);
  }

  @Test
  void aBodyOverTheLimitGets413() {
    TestRouteResult result = route.run(post("/api/jobs", job("big") + "# " + "x".repeat(5000)));
    result.assertStatusCode(413);
    assertTrue(json(result).get("error").asText().contains("spindle.admin.max-body-size"), result.entityString());
    assertEquals(0, launcher.opened());
  }

  @Test
  void aBodyBeyondTheServersOwnLimitGets413Too() {
    // 10 MB: over pekko's max-to-strict-bytes (8 MiB), which answered 400 "Request too large" before ours
    TestRouteResult result = route.run(HttpRequest.POST("/api/jobs").withEntity(HOCON, new byte[10_000_000]));
    result.assertStatusCode(413);
    assertTrue(json(result).get("error").asText().contains("spindle.admin.max-body-size"), result.entityString());
    assertEquals(0, launcher.opened());
  }

  @Test
  void aBodyOverTheLimitWithoutADeclaredLengthGets413WhenRead() {
    TestRouteResult result = route.run(HttpRequest.POST("/api/jobs").withEntity(HttpEntities.createChunked(HOCON,
        Source.single(ByteString.fromString(job("chunked") + "# " + "x".repeat(5000))))));
    result.assertStatusCode(413);
    assertTrue(json(result).get("error").asText().contains("spindle.admin.max-body-size"), result.entityString());
    assertEquals(0, launcher.opened());
  }

  @Test
  void aChangeWithABodyOverTheLimitGets413EvenWhereTheBodyIsNotRead() {
    submit("quiet");
    route.run(postJson("/api/jobs/quiet/pause", "{\"note\": \"" + "x".repeat(5000) + "\"}")).assertStatusCode(413);
    assertEquals("running", json(route.run(HttpRequest.GET("/api/jobs/quiet"))).get("state").asText());
  }

  @Test
  void theStatusPageAndItsFilesAreServedWithTheirContentTypes() {
    TestRouteResult index = route.run(HttpRequest.GET("/"));
    index.assertStatusCode(200).assertContentType("text/html; charset=UTF-8");
    assertTrue(index.entityString().contains("<html"), index.entityString());
    route.run(HttpRequest.GET("/ui/index.html")).assertStatusCode(200).assertContentType("text/html; charset=UTF-8");
    route.run(HttpRequest.GET("/ui/missing.js")).assertStatusCode(404);
    route.run(HttpRequest.GET("/ui/..%2Fopenapi.yaml")).assertStatusCode(400);
    route.run(HttpRequest.GET("/ui/.hidden")).assertStatusCode(400);
  }

  @Test
  void theOpenApiDescriptionIsServedAsYaml() {
    TestRouteResult spec = route.run(HttpRequest.GET("/api/openapi.yaml"));
    spec.assertStatusCode(200).assertMediaType("application/yaml");
    assertTrue(spec.entityString().startsWith("openapi: 3"));
  }

  @Test
  void metricsAreInThePrometheusTextFormat() {
    submit("metered");
    TestRouteResult metrics = route.run(HttpRequest.GET("/metrics"));
    metrics.assertStatusCode(200).assertContentType("text/plain; version=0.0.4; charset=UTF-8");
    String text = metrics.entityString();
    assertTrue(text.contains("spindle_host_queued{host=\"a.example\",job=\"metered\"} 1.0"), text);
    assertTrue(text.contains("spindle_host_queued{host=\"other\",job=\"metered\"} 0.0"), text);
  }
}
