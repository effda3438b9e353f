package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.ReachableUrl;
import spindle.fixture.RobotsProfile;

/**
 * {@code spindle serve} in a child JVM, steered over HTTP like an operator would, crawling the fixture web: counts
 * rise, a paused job starts no fetch (as the fixture's server-side request log shows), a resumed job finishes with
 * one record per reachable URL, and {@code /metrics} passes {@code promtool check metrics}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path directory;

  private FixtureWeb web;
  private ChildService service;

  @BeforeAll
  void start() throws IOException {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(3).pagesPerHost(50).seed(71)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(20)).build());
    service = ChildService.start(directory, directory.resolve("spindle.log"),
        List.of("--set", "spindle.admin.jobs-dir=" + directory.resolve("service")));
  }

  @AfterAll
  void stop() throws Exception {
    if (service != null) {
      service.terminate();
      assertEquals(0, service.awaitExit(60), service.transcript());
    }
    if (web != null) {
      web.close();
    }
  }

  private String job(String name, String delay, int concurrency) {
    String seeds = web.seedUrls().stream().map(url -> "\"" + url + "\"").collect(Collectors.joining(", "));
    return "spindle {\n"
        + "  job.name = " + name + "\n"
        + "  job.seeds = [" + seeds + "]\n"
        + "  politeness.delay = " + delay + "\n"
        + "  fetch.concurrency = " + concurrency + "\n"
        + "  progress.interval = 200ms\n"
        + "  sitemaps.enabled = off\n" // the fixture serves none: each host's /sitemap.xml would be one more record
        + "  output.path = \"" + directory.resolve("out/" + name + ".jsonl") + "\"\n"
        + "}\n";
  }

  private static long fetched(JsonNode job) {
    return job.get("counts").get("fetched").asLong();
  }

  @Test
  void aJobIsSubmittedWatchedPausedWithoutFetchingResumedAndFinished() throws Exception {
    // the other tests' jobs share the fixture: none may fetch while this one is paused
    service.await("/api/jobs", Duration.ofSeconds(60), "the other jobs ended", list -> {
      for (JsonNode other : list.get("jobs")) {
        if (List.of("running", "paused", "stopping").contains(other.get("state").asText())) {
          return false;
        }
      }
      return true;
    });
    long jobStart = System.nanoTime(); // the fixture served the other tests' jobs before: count this one's requests
    ChildService.Answer created = service.post("/api/jobs", "application/hocon", job("e2e", "150ms", 3));
    assertEquals(201, created.status(), created.body());
    assertEquals("running", created.json().get("state").asText());

    JsonNode rising = service.await("/api/jobs/e2e", Duration.ofSeconds(30), "10 pages fetched",
        job -> fetched(job) >= 10);
    assertTrue(rising.get("counts").get("discovered").asLong() > fetched(rising), rising.toString());
    JsonNode later = service.await("/api/jobs/e2e", Duration.ofSeconds(30), "more pages fetched, at a rate above 0",
        job -> fetched(job) > fetched(rising) && job.get("pages_per_second").asDouble() > 0);
    assertFalse(later.get("eta_seconds").isNull(), later.toString());

    JsonNode hosts = service.get("/api/jobs/e2e/hosts?sort=host&limit=10").json();
    assertEquals(3, hosts.get("hosts").size(), hosts.toString());
    assertEquals(web.hostName(0), hosts.get("hosts").get(0).get("host").asText(), hosts.toString());
    JsonNode why = service.get("/api/jobs/e2e/why").json();
    assertFalse(why.get("finished").asBoolean(), why.toString());

    ChildService.Answer paused = service.post("/api/jobs/e2e/pause");
    assertEquals(200, paused.status(), paused.body());
    assertEquals("paused", paused.json().get("state").asText());
    // once the crawl says nothing is in flight, the pause is in force: from then on no request may start
    service.await("/api/jobs/e2e", Duration.ofSeconds(30), "no request in flight while paused",
        job -> job.get("counts").get("in_flight").asInt() == 0);
    assertTrue(web.awaitIdle(Duration.ofSeconds(10)), "the fixture still serves a request");
    long quietFrom = System.nanoTime();
    long requestsAtPause = web.requestCount();
    // the last responses' records are committed after the requests end: wait until each page served is counted
    long pagesServed = web.requests().stream()
        .filter(request -> request.startNanos() > jobStart && !request.path().equals("/robots.txt")).count();
    long fetchedAtPause = fetched(service.await("/api/jobs/e2e", Duration.ofSeconds(10), "every page served counted",
        job -> fetched(job) + job.get("counts").get("failed").asLong() >= pagesServed));
    JsonNode whyPaused = service.get("/api/jobs/e2e/why").json();
    assertTrue(whyPaused.get("paused").asBoolean(), whyPaused.toString());
    assertEquals(0, whyPaused.get("in_flight").size(), "in flight while paused: " + whyPaused);
    // an observation window in which an unpaused crawl would start about 30 requests; it ends early if one starts
    assertFalse(web.awaitRequestsBeyond(requestsAtPause, Duration.ofMillis(1500)), "a request started while paused: "
        + web.requests().stream().filter(request -> request.startNanos() > quietFrom).toList());
    assertEquals(fetchedAtPause, fetched(service.get("/api/jobs/e2e").json()));

    ChildService.Answer resumed = service.post("/api/jobs/e2e/resume");
    assertEquals("running", resumed.json().get("state").asText(), resumed.body());
    JsonNode finished = service.await("/api/jobs/e2e", Duration.ofSeconds(90), "the job finished",
        job -> job.get("state").asText().equals("finished"));
    assertTrue(web.requests().stream().anyMatch(request -> request.startNanos() > quietFrom),
        "no request after the resume");

    List<String> lines = Files.readAllLines(directory.resolve("out/e2e.jsonl"), StandardCharsets.UTF_8);
    Set<String> recorded = new HashSet<>();
    for (String line : lines) {
      recorded.add(JSON.readTree(line).get("url").asText());
    }
    Set<String> reachable = web.reachableUrls().stream().map(ReachableUrl::url).collect(Collectors.toSet());
    assertEquals(reachable, recorded);
    assertEquals(lines.size(), recorded.size(), "a URL was recorded twice");
    JsonNode counts = finished.get("counts");
    assertEquals(lines.size(), counts.get("fetched").asLong() + counts.get("failed").asLong(), finished.toString());
    assertFalse(finished.get("ended").isNull());
    assertTrue(service.get("/api/jobs/e2e/why").json().get("finished").asBoolean());
  }

  @Test
  void aJobArchivingToWarcReportsTheBytesAndFilesItWroteAndCountsThemInMetrics() throws Exception {
    Path warc = directory.resolve("out/warc-archived");
    String body = job("archived", "100ms", 3);
    body = body.substring(0, body.lastIndexOf('}')) + "  warc.dir = \"" + warc + "\"\n"
        + "  warc.max-file-size = 200kB\n}\n";
    ChildService.Answer created = service.post("/api/jobs", "application/hocon", body);
    assertEquals(201, created.status(), created.body());
    // the job's meters leave /metrics when it ends: read them while it runs (about 5 s at this delay)
    JsonNode running = service.await("/api/jobs/archived", Duration.ofSeconds(30), "10 pages fetched",
        job -> fetched(job) >= 10);
    String metrics = service.get("/metrics").body();
    Matcher counted = Pattern.compile("(?m)^spindle_warc_bytes_total\\{[^}]*job=\"archived\"[^}]*\\} (\\S+)$")
        .matcher(metrics);
    assertTrue(counted.find(), "no spindle_warc_bytes_total of the job:\n" + metrics);
    double countedWhileRunning = Double.parseDouble(counted.group(1));
    assertTrue(countedWhileRunning > 0, "the counter counts what is written: " + running);

    JsonNode finished = service.await("/api/jobs/archived", Duration.ofSeconds(90), "the job finished",
        job -> job.get("state").asText().equals("finished"));
    JsonNode view = finished.get("warc");
    assertEquals(warc.toString(), view.get("dir").asText(), finished.toString());
    long onDisk = 0;
    for (Path file : WarcFiles.warcFiles(warc)) {
      onDisk += Files.size(file);
    }
    assertTrue(onDisk >= countedWhileRunning, onDisk + " bytes on disk, " + countedWhileRunning + " counted before");
    assertEquals(onDisk, view.get("bytes").asLong(), "the bytes of a first run are those of its files: " + view);
    assertEquals(WarcFiles.warcFiles(warc).size(), view.get("files").asInt(), view.toString());
    assertTrue(view.get("files").asInt() > 1, "rotated at 200 kB: " + view);
  }

  @Test
  void theStatusPageListsAJobChartsItsCrawlAndPausesAndResumesItInABrowser() throws Exception {
    Path browserCheck = Path.of("../admin/src/test/browser").toAbsolutePath().normalize();
    Path node = Path.of("/usr/bin/node");
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(chromium)) {
      missing.add(chromium.toString());
    }
    if (!Files.isExecutable(node)) {
      missing.add(node.toString());
    }
    if (!Files.isDirectory(browserCheck.resolve("node_modules/playwright-core"))) {
      missing.add("playwright-core in modules/admin/src/test/browser/node_modules");
    }
    SkippedChecks.skipUnlessInstalled("the status page in a browser (ServiceEndToEndTest)", missing,
        "apt-get install chromium nodejs npm, then npm ci in modules/admin/src/test/browser");
    ChildService.Answer created = service.post("/api/jobs", "application/hocon", job("browser", "1s", 3));
    assertEquals(201, created.status(), created.body());
    service.await("/api/jobs/browser", Duration.ofSeconds(30), "a page fetched", job -> fetched(job) >= 1);
    // kept after the build as a test artefact: the status page with its charts during a crawl
    Path screenshot = Path.of("target/browser/status-page.png").toAbsolutePath();
    Process check = new ProcessBuilder(node.toString(), "status-page.mjs", service.base(), "browser",
        screenshot.toString()).directory(browserCheck.toFile()).redirectErrorStream(true).start();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(check.waitFor(90, TimeUnit.SECONDS), "the browser check did not end: " + said);
    assertEquals(0, check.exitValue(), said);
    assertTrue(said.contains("chart points: pages "), said);
    assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot);
    assertEquals("running", service.get("/api/jobs/browser").json().get("state").asText());
    assertEquals(200, service.post("/api/jobs/browser/stop").status());
  }

  @Test
  void promtoolAcceptsTheMetricsOfTheServiceWithAJobRunning() throws Exception {
    ChildService.Answer created = service.post("/api/jobs", "application/hocon", job("metered", "1s", 2));
    assertEquals(201, created.status(), created.body());
    service.await("/api/jobs/metered", Duration.ofSeconds(30), "a page fetched", job -> fetched(job) >= 1);
    ChildService.Answer metrics = service.get("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "no JVM meters");
    assertTrue(metrics.body().contains("spindle_fetches_total{job=\"metered\","), "no crawl meters of the job");
    assertTrue(metrics.body().contains("spindle_host_queued{host=\"other\",job=\"metered\"}"), "no host meters");
    assertEquals(200, service.post("/api/jobs/metered/stop").status());

    Path promtool = Path.of("/usr/bin/promtool");
    SkippedChecks.skipUnlessInstalled("/metrics through promtool check metrics (ServiceEndToEndTest)",
        Files.isExecutable(promtool) ? List.of() : List.of(promtool.toString()), "apt-get install prometheus");
    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    check.getOutputStream().write(metrics.body().getBytes(StandardCharsets.UTF_8));
    check.getOutputStream().close();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, check.exitValue(), "promtool check metrics: " + said);
  }
}
