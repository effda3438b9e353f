package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.Fault;
import spindle.fixture.FaultProfile;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * {@code ops/grafana/spindle.json} against a real Prometheus (Debian's {@code /usr/bin/prometheus}, on a free loopback
 * port with its own configuration and storage in a temporary directory) scraping a {@code spindle serve} that crawls
 * the fixture web: every query of every panel is valid and returns data during the crawl, so a panel whose metric
 * the service does not expose fails here instead of showing an empty chart. The alert rules are loaded into the
 * same Prometheus and must evaluate without error. The dashboard's shape (variables, data source) is checked without
 * Prometheus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("../../ops/grafana/spindle.json").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JOB = "dashboard";
  /** Where the service's and Prometheus' logs stay after the test. */
  private static final Path LOGS = Path.of("target/grafana-dashboard-test").toAbsolutePath();
  /** What Grafana puts for {@code $__rate_interval} with a data source whose scrape interval is 15 s. */
  private static final String RATE_INTERVAL = "1m";
  /** The panels the dashboard must have (issue 18). */
  private static final List<String> REQUIRED_PANELS = List.of("Pages/s by status class", "Errors by kind",
      "Fetch latency p50 / p99", "Requests in flight and the cap", "Queued and leased URLs",
      "Active and waiting hosts", "Busiest hosts (queued, top 10)", "Retries and backoffs",
      "Dead letters and supervisor restarts", "Output, WARC and download bytes/s", "JVM heap", "GC",
      "Store size and free disk");

  /** The class's: the service writes in it until {@link #stopEverything} (a test's own would be deleted first). */
  @TempDir
  static Path directory;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FixtureWeb web;
  private ChildService service;
  private Process prometheus;
  private String prometheusBase;

  @AfterAll
  void stopEverything() throws Exception {
    if (prometheus != null) {
      prometheus.destroy(); // SIGTERM: Prometheus shuts down cleanly
      if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    if (service != null) {
      String before = service.transcript();
      try {
        service.terminate();
      } catch (AssertionError gone) {
        throw new AssertionError("the service had ended; it said:\n" + before + "\nlog: " + LOGS, gone);
      }
      assertEquals(0, service.awaitExit(60), service.transcript());
    }
    if (web != null) {
      web.close();
    }
  }

  @Test
  void theDashboardHasItsVariablesAndEveryPanelReadsTheChosenDataSource() throws IOException {
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
    Map<String, JsonNode> variables = new LinkedHashMap<>();
    dashboard.path("templating").path("list").forEach(variable -> variables.put(variable.path("name").asText(),
        variable));
    assertEquals("datasource", variables.get("datasource").path("type").asText());
    assertEquals("prometheus", variables.get("datasource").path("query").asText());
    assertEquals("query", variables.get("job").path("type").asText());
    assertTrue(variables.get("job").path("includeAll").asBoolean(), "the job variable offers All");
    assertTrue(variables.containsKey("instance"), variables.keySet().toString());
    assertFalse(dashboard.path("uid").asText().isEmpty(), "a dashboard uid keeps its URL stable across imports");

    Set<Integer> ids = new HashSet<>();
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      assertTrue(ids.add(panel.path("id").asInt()), "panel id used twice: " + panel.path("id"));
      assertTrue(panel.has("gridPos"), panel.path("title").asText());
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      titles.add(panel.path("title").asText());
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
      assertTrue(panel.path("targets").size() > 0, panel.path("title").asText());
      for (JsonNode target : panel.path("targets")) {
        assertEquals("${datasource}", target.path("datasource").path("uid").asText(), panel.path("title").asText());
        assertTrue(target.path("expr").asText().contains("$instance"), "every query follows the node variable: "
            + target.path("expr").asText());
      }
    }
    assertTrue(titles.containsAll(REQUIRED_PANELS), "missing panels: " + REQUIRED_PANELS.stream()
        .filter(title -> !titles.contains(title)).toList());
  }

  @Test
  void everyQueryOfTheDashboardReturnsDataFromARealPrometheusScrapingACrawl() throws Exception {
    Path binary = Path.of("/usr/bin/prometheus");
    SkippedChecks.skipUnlessInstalled("the dashboard's queries on a real Prometheus (GrafanaDashboardTest)",
        Files.isExecutable(binary) ? List.of() : List.of(binary.toString()), "apt-get install prometheus");
    // big enough that the crawl goes on for the whole test: a finished job's meters are gone
    web = FixtureWeb.start(FixtureSettings.builder().hosts(6).pagesPerHost(3000).seed(18)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(20))
        .faults(FaultProfile.mixed(0.05))
        .hostFault(5, Fault.STATUS, 503) // every page 503: retries, a host backing off, errors
        .build());
    Path logs = Files.createDirectories(LOGS);
    service = ChildService.start(directory, logs.resolve("spindle.log"),
        List.of("--set", "spindle.admin.jobs-dir=" + directory.resolve("service")));
    ChildService.Answer created;
    try {
      created = service.post("/api/jobs", "application/json", jobBody());
    } catch (java.io.UncheckedIOException failed) {
      throw new AssertionError("no answer to the job's submission; the service said:\n" + service.transcript(), failed);
    }
    assertEquals(201, created.status(), created.body());
    String instance = URI.create(service.base()).getAuthority();
    startPrometheus(binary, instance);
    service.await("/api/jobs/" + JOB, Duration.ofSeconds(60), "pages fetched",
        job -> job.path("counts").path("fetched").asLong() >= 20);

    // every query is asked, in rounds, until each has returned data (a rate needs two scrapes) or the deadline passes
    Map<String, String> pending = new LinkedHashMap<>();
    for (JsonNode panel : panels(JSON.readTree(DASHBOARD.toFile()))) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText().replace("$__rate_interval", RATE_INTERVAL)
            .replace("$job", JOB).replace("$instance", instance);
        assertFalse(expr.contains("$"), "a variable the test does not know: " + expr);
        pending.put(panel.path("title").asText() + " [" + target.path("refId").asText() + "] " + expr, expr);
      }
    }
    int queries = pending.size();
    assertTrue(queries >= REQUIRED_PANELS.size(), queries + " queries");
    Map<String, String> failures = new LinkedHashMap<>();
    try {
      await(Duration.ofSeconds(90), "every query returns data", () -> {
        for (var query : List.copyOf(pending.entrySet())) {
          JsonNode answer = query(query.getValue());
          if (!answer.path("status").asText().equals("success")) {
            failures.put(query.getKey(), "invalid: " + answer.path("error").asText());
            pending.remove(query.getKey());
          } else if (answer.path("data").path("result").size() > 0) {
            pending.remove(query.getKey());
          }
        }
        return pending.isEmpty() ? "all answered" : null;
      });
    } catch (AssertionError late) {
      pending.keySet().forEach(what -> failures.put(what, "no data"));
    }
    assertEquals(Map.of(), failures, "queries of the dashboard that fail or return nothing");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

    // the figures behind the panels mean what they say
    assertEquals(4, value(awaitQuery("sum(spindle_fetches_in_flight_limit{job=\"" + JOB + "\"})", deadline,
        result -> result.size() > 0)), "the cap is spindle.fetch.concurrency");
    awaitPositive("sum(rate(spindle_records_total{job=\"" + JOB + "\"}[1m]))", deadline);
    awaitPositive("sum(rate(spindle_output_bytes_total{job=\"" + JOB + "\"}[1m]))", deadline);
    awaitPositive("sum(spindle_store_size_bytes{job=\"" + JOB + "\"})", deadline);
    awaitPositive("sum(spindle_store_disk_free_bytes{job=\"" + JOB + "\"})", deadline);
    awaitPositive("max_over_time(spindle_hosts_waiting{job=\"" + JOB + "\"}[5m])", deadline); // 6 hosts, 3 places
    awaitPositive("sum(spindle_fetch_retries_total{job=\"" + JOB + "\"})", deadline);        // the 503 host
    awaitPositive("max_over_time(spindle_hosts_backing_off{job=\"" + JOB + "\"}[5m])", deadline);
    awaitPositive("sum(spindle_records_total{job=\"" + JOB + "\", outcome=\"HTTP_SERVER_ERROR\"})", deadline);
    assertEquals(0, value(awaitQuery("sum(spindle_warc_bytes_total{job=\"" + JOB + "\"})", deadline,
        result -> result.size() > 0)), "the job writes no WARC (spindle.warc.dir empty)");

    // the alert rules load and evaluate against the live series without error
    JsonNode rules = awaitRulesEvaluated(deadline);
    List<String> broken = new ArrayList<>();
    int evaluated = 0;
    for (JsonNode group : rules.path("data").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        evaluated++;
        if (!rule.path("health").asText().equals("ok")) {
          broken.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " "
              + rule.path("lastError").asText());
        }
      }
    }
    assertEquals(List.of(), broken, "alert rules that do not evaluate");
    assertEquals(10, evaluated, rules.toString());
    assertEquals(200, service.post("/api/jobs/" + JOB + "/stop").status());
  }

  private String jobBody() {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode spindle = body.putObject("spindle");
    ObjectNode job = spindle.putObject("job");
    job.put("name", JOB);
    ArrayNode seeds = job.putArray("seeds");
    web.seedUrls().forEach(seeds::add);
    spindle.putObject("politeness").put("delay", "100ms");
    ObjectNode fetch = spindle.putObject("fetch");
    fetch.put("concurrency", 4);
    fetch.putObject("retry").put("base-backoff", "300ms");
    spindle.putObject("engine").put("max-active-hosts", 3);
    spindle.putObject("progress").put("interval", "200ms");
    spindle.putObject("output").put("path", directory.resolve("out/" + JOB + ".jsonl").toString());
    return body.toString();
  }

  /** Starts Prometheus on a free loopback port, scraping {@code target} every 3 s, with the alert rules. */
  private void startPrometheus(Path binary, String target) throws Exception {
    Path home = Files.createDirectories(directory.resolve("prometheus"));
    Path alerts = AlertRulesTest.OPS_PROMETHEUS.resolve("alerts.yml");
    // honor_labels as in ops/prometheus/prometheus.yml: the crawl's job label stays "job"
    Files.writeString(home.resolve("prometheus.yml"), """
        global:
          scrape_interval: 3s
          scrape_timeout: 3s
          evaluation_interval: 3s
        rule_files:
          - "%s"
        scrape_configs:
          - job_name: spindle
            honor_labels: true
            static_configs:
              - targets: ["%s"]
        """.formatted(alerts, target), StandardCharsets.UTF_8);
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    prometheusBase = "http://127.0.0.1:" + port;
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + home.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn").directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(LOGS.resolve("prometheus.log").toFile()).start();
    await(Duration.ofSeconds(60), "Prometheus ready on " + prometheusBase + " (log: "
        + LOGS.resolve("prometheus.log") + ")", () -> get("/-/ready").statusCode() == 200 ? "ready" : null);
  }

  /**
   * {@code GET /api/v1/query?query=expr} until {@code wanted} holds for its result or {@code deadline} passes; the
   * last answer.
   */
  private JsonNode awaitQuery(String expr, long deadline, Predicate<JsonNode> wanted) throws Exception {
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    try {
      return await(left.plusSeconds(1), "query " + expr, () -> {
        JsonNode answer = query(expr);
        if (!answer.path("status").asText().equals("success") || wanted.test(answer.path("data").path("result"))) {
          return answer;
        }
        return null;
      });
    } catch (AssertionError late) {
      return query(expr);
    }
  }

  private void awaitPositive(String expr, long deadline) throws Exception {
    JsonNode answer = awaitQuery(expr, deadline, result -> result.size() > 0 && value(result.get(0)) > 0);
    assertTrue(answer.path("data").path("result").size() > 0 && value(answer.path("data").path("result").get(0)) > 0,
        expr + ": " + answer);
  }

  private JsonNode awaitRulesEvaluated(long deadline) throws Exception {
    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).plusSeconds(5);
    return await(left, "every alert rule evaluated", () -> {
      JsonNode rules = JSON.readTree(get("/api/v1/rules").body());
      for (JsonNode group : rules.path("data").path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          if (rule.path("lastEvaluation").asText().startsWith("0001-")) {
            return null;
          }
        }
      }
      return rules.path("data").path("groups").size() > 0 ? rules : null;
    });
  }

  private static double value(JsonNode answerOrSample) {
    JsonNode sample = answerOrSample.has("data") ? answerOrSample.path("data").path("result").path(0)
        : answerOrSample;
    return Double.parseDouble(sample.path("value").path(1).asText("NaN"));
  }

  private JsonNode query(String expr) throws IOException {
    return JSON.readTree(get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)).body());
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(prometheusBase + path)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", interrupted);
    }
  }

  /** A check that returns its result when met, null when not yet. */
  private interface Check<T> {
    T attempt() throws Exception;
  }

  /** Runs {@code check} every 250 ms on a scheduler until it returns a result; fails after {@code timeout}. */
  private static <T> T await(Duration timeout, String what, Check<T> check) throws Exception {
    CompletableFuture<T> met = new CompletableFuture<>();
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    poller.scheduleWithFixedDelay(() -> {
      try {
        T result = check.attempt();
        if (result != null) {
          met.complete(result);
        }
      } catch (IOException notYet) { // not listening yet
        // asked again at the next tick
      } catch (Exception | AssertionError failed) {
        met.completeExceptionally(failed);
      }
    }, 0, 250, TimeUnit.MILLISECONDS);
    try {
      return met.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException failed) {
      throw new AssertionError(what + ": " + failed.getCause(), failed.getCause());
    } catch (TimeoutException late) {
      throw new AssertionError("not within " + timeout + ": " + what);
    } finally {
      poller.shutdownNow();
    }
  }

  /** Every panel, those inside rows included. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }
}
