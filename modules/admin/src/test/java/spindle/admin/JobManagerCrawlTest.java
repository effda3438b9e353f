package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
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

/** The job manager with real crawls of the fixture web: a job runs to its end, or stops when told, and is closed. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobManagerCrawlTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  static Path directory;

  private FixtureWeb web;
  private TestLauncher launcher;
  private ActorRef<JobManager.Command> manager;

  @BeforeAll
  void start() throws Exception {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(30).seed(5).robots(RobotsProfile.ALLOW_ALL)
        .latency(Duration.ofMillis(5), Duration.ofMillis(15)).build());
    launcher = new TestLauncher(Files.createDirectories(directory.resolve("out")));
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.empty());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(launcher, registry,
        new HostMetrics(registry, 5), settings, new JobFiles(settings.jobsDirectory()), CrawlSupervisor::create,
        Clock.systemUTC())));
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private String job(String name, String delay) {
    return "spindle.job.name = " + name + "\nspindle.job.seeds = [" + web.seedUrls().stream()
        .map(url -> "\"" + url + "\"").collect(Collectors.joining(", ")) + "]\n"
        + "spindle.politeness.delay = " + delay + "\nspindle.fetch.concurrency = 2\n";
  }

  private <T> T ask(Function<ActorRef<T>, JobManager.Command> question) {
    TestProbe<T> answer = testKit.createTestProbe();
    manager.tell(question.apply(answer.ref()));
    return answer.receiveMessage(Duration.ofSeconds(10));
  }

  private JobView get(String id) {
    Reply<JobView> reply = ask(replyTo -> new JobManager.GetJob(id, replyTo));
    return ((Reply.Ok<JobView>) reply).value();
  }

  private void submit(String body) {
    Reply<JobView> reply = ask(replyTo -> new JobManager.Submit(body, BodySyntax.HOCON, replyTo));
    assertTrue(reply instanceof Reply.Ok<JobView>, reply.toString());
  }

  @Test
  void aJobCrawlsToItsEndAndReportsItsCounts() throws Exception {
    submit(job("whole", "0s"));
    TestProbe<Object> waiting = testKit.createTestProbe();
    waiting.awaitAssert(Duration.ofSeconds(60), () -> {
      assertEquals(JobState.FINISHED, get("whole").state());
      return null;
    });
    JobView job = get("whole");
    long records = Files.readAllLines(directory.resolve("out/whole.jsonl")).size();
    // and, sitemaps being on by default, each host's /sitemap.xml (a 404 here: the fixture serves none)
    assertEquals(web.reachableUrls().size() + 2, records);
    assertEquals(records, job.counts().fetched() + job.counts().failed(), job.toString());
    assertEquals(0, job.counts().queued());
    assertTrue(job.ended().isPresent());
    waiting.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(launcher.opened(), launcher.closed(), "a store is still open");
      return null;
    });
  }

  @Test
  void aContinuousJobRevisitsItsPagesUntilStoppedAndTheDigestSaysTheyDidNotChange() throws Exception {
    submit(job("continuous", "0s") + "spindle.sitemaps.enabled = off\nspindle.recrawl.continuous = on\n"
        + "spindle.recrawl.min-interval = 1s\n");
    Path output = directory.resolve("out/continuous.jsonl");
    TestProbe<Object> waiting = testKit.createTestProbe();
    // every reachable page visited twice: the fixture (without validators here) answers 200 with the same bytes
    waiting.awaitAssert(Duration.ofSeconds(60), () -> {
      List<String> revisits = Files.readAllLines(output).stream().filter(line -> line.contains("\"visit\":2"))
          .toList();
      assertEquals(web.reachableUrls().size(), revisits.size());
      revisits.forEach(line -> assertTrue(line.contains("\"changed\":false"), line));
      return null;
    });
    JobView running = get("continuous");
    assertEquals(JobState.RUNNING, running.state(), "a continuous job never finishes on its own: " + running);
    assertEquals(0, running.counts().fetched(), "no URL's visits are over: " + running);
    Reply<JobView> stopping = ask(replyTo -> new JobManager.ChangeJob("continuous", JobManager.JobAction.STOP,
        replyTo));
    assertTrue(stopping instanceof Reply.Ok<JobView>, stopping.toString());
    waiting.awaitAssert(Duration.ofSeconds(30), () -> {
      JobView job = get("continuous");
      assertEquals(JobState.STOPPED, job.state());
      assertTrue(job.counts().scheduled() > 0, "the schedule is kept for the next run: " + job);
      return null;
    });
  }

  @Test
  void aStoppedJobDrainsAndEndsStopped() {
    submit(job("halted", "300ms"));
    TestProbe<Object> waiting = testKit.createTestProbe();
    waiting.awaitAssert(Duration.ofSeconds(30), () -> {
      assertTrue(get("halted").counts().fetched() >= 2);
      return null;
    });
    Reply<JobView> stopping = ask(replyTo -> new JobManager.ChangeJob("halted", JobManager.JobAction.STOP, replyTo));
    assertEquals(JobState.STOPPING, ((Reply.Ok<JobView>) stopping).value().state());
    waiting.awaitAssert(Duration.ofSeconds(30), () -> {
      JobView job = get("halted");
      assertEquals(JobState.STOPPED, job.state());
      assertTrue(job.counts().queued() > 0, "the job finished before the stop: " + job);
      return null;
    });
  }
}
