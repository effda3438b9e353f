package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.ReachableUrl;
import spindle.fixture.RobotsProfile;

/**
 * The service keeps its jobs across restarts: SIGTERM drains a running job and exits 0, and the next start resumes
 * it from its store; so does a start after {@code kill -9}; in the end the output has exactly one record per URL.
 */
class ServiceRestartTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;

  private static long done(JsonNode job) {
    return job.get("counts").get("fetched").asLong() + job.get("counts").get("failed").asLong();
  }

  private ChildService start(int run) throws Exception {
    ChildService service = ChildService.start(directory, directory.resolve("spindle-" + run + ".log"),
        List.of("--set", "spindle.admin.jobs-dir=service"));
    service.await("/health/ready", Duration.ofSeconds(30), "ready", ready -> true);
    return service;
  }

  @Test
  void aJobInterruptedBySigtermOrKillGoesOnWhenTheServiceStartsAgain() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(250).seed(43)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(40), Duration.ofMillis(80)).build())) {
      String seeds = web.seedUrls().stream().map(url -> "\"" + url + "\"").collect(Collectors.joining(", "));
      String job = "spindle.job.name = durable\nspindle.job.seeds = [" + seeds + "]\n"
          + "spindle.politeness.delay = 0s\nspindle.politeness.per-host-concurrency = 2\n"
          + "spindle.fetch.concurrency = 4\nspindle.progress.interval = 200ms\n"
          + "spindle.sitemaps.enabled = off\n"; // the fixture serves none: a 404 per host would be one more record
      long before;
      try (ChildService first = start(1)) {
        assertEquals(201, first.post("/api/jobs", "application/hocon", job).status());
        before = done(first.await("/api/jobs/durable", Duration.ofSeconds(30), "40 pages", j -> done(j) >= 40));
        first.terminate();
        assertEquals(0, first.awaitExit(60), first.transcript());
        assertTrue(first.transcript().contains("spindle: stopped"), first.transcript());
      }
      JsonNode saved = JSON.readTree(directory.resolve("service/durable.job.json").toFile());
      assertEquals("stopped", saved.get("state").asText(), saved.toString());
      assertTrue(saved.get("restart").asBoolean(), "a job stopped by the shutdown starts again: " + saved);

      long resumedAt;
      try (ChildService second = start(2)) {
        JsonNode resumed = second.get("/api/jobs/durable").json();
        assertEquals("running", resumed.get("state").asText(), resumed.toString());
        assertTrue(done(resumed) >= before, "the restarted job lost the earlier records: " + resumed);
        resumedAt = done(second.await("/api/jobs/durable", Duration.ofSeconds(30), "40 more pages",
            j -> done(j) >= before + 40));
        second.kill();
      }

      try (ChildService third = start(3)) {
        JsonNode finished = third.await("/api/jobs/durable", Duration.ofSeconds(120), "the job finished",
            j -> j.get("state").asText().equals("finished"));
        assertTrue(done(finished) >= resumedAt, finished.toString());
        third.terminate();
        assertEquals(0, third.awaitExit(60), third.transcript());
      }

      List<String> lines = Files.readAllLines(directory.resolve("out/durable.jsonl"), StandardCharsets.UTF_8);
      Set<String> urls = new HashSet<>();
      for (String line : lines) {
        urls.add(JSON.readTree(line).get("url").asText());
      }
      assertEquals(lines.size(), urls.size(), "a URL was recorded twice across the restarts");
      assertEquals(web.reachableUrls().stream().map(ReachableUrl::url).collect(Collectors.toSet()), urls);
    }
  }
}
