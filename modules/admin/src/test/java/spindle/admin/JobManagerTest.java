package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.engine.CrawlSupervisor;

/** The job manager's life cycle: saved jobs at start, a crawl that dies, and the graceful shutdown. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobManagerTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path root;

  private Path directory;
  private JobFiles files;
  private TestProbe<CrawlSupervisor.Command> commands;
  private TestLauncher launcher;

  @BeforeEach
  void createDirectory() throws Exception {
    directory = Files.createTempDirectory(root, "manager");
    files = new JobFiles(directory.resolve("service"));
    commands = testKit.createTestProbe();
    launcher = new TestLauncher(directory);
  }

  private ActorRef<JobManager.Command> manager() {
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.empty());
    return testKit.spawn(JobManager.create(new JobManager.Dependencies(launcher, new SimpleMeterRegistry(),
        new HostMetrics(new SimpleMeterRegistry(), 2), settings, files, new FakeCrawls(commands).factory(),
        Clock.systemUTC())));
  }

  private <T> T ask(ActorRef<JobManager.Command> manager, Function<ActorRef<T>, JobManager.Command> question) {
    TestProbe<T> answer = testKit.createTestProbe();
    manager.tell(question.apply(answer.ref()));
    return answer.receiveMessage(Duration.ofSeconds(5));
  }

  private Map<String, JobView> jobs(ActorRef<JobManager.Command> manager) {
    return this.<List<JobView>>ask(manager, JobManager.ListJobs::new).stream()
        .collect(Collectors.toMap(JobView::id, job -> job));
  }

  private JobView submit(ActorRef<JobManager.Command> manager, String name) {
    Reply<JobView> reply = ask(manager, replyTo -> new JobManager.Submit(AdminRoutesTest.job(name), BodySyntax.HOCON,
        replyTo));
    assertTrue(reply instanceof Reply.Ok<JobView>, reply.toString());
    return ((Reply.Ok<JobView>) reply).value();
  }

  private void awaitReady(ActorRef<JobManager.Command> manager) {
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(JobManager.Readiness.READY, ask(manager, JobManager.GetReadiness::new));
      return null;
    });
  }

  private static JobFiles.SavedJob saved(String id, JobState state, boolean paused, boolean restart) {
    return new JobFiles.SavedJob(id, BodySyntax.HOCON, AdminRoutesTest.job(id), state, paused, restart,
        Instant.parse("2026-01-01T00:00:00Z"), state.active() ? Optional.empty()
        : Optional.of(Instant.parse("2026-01-01T01:00:00Z")), new JobCounts(10, 2, 0, 7, 1), "out/" + id + ".jsonl",
        "memory", Optional.empty());
  }

  @Test
  void interruptedJobsStartAgainPausedOnesPausedAndEndedOnesAreListedFromTheirFiles() throws Exception {
    files.save(saved("killed", JobState.RUNNING, false, true));
    files.save(saved("resting", JobState.PAUSED, true, true));
    files.save(saved("drained", JobState.STOPPED, false, true));
    files.save(saved("done", JobState.FINISHED, false, false));
    files.save(saved("halted", JobState.STOPPED, false, false));
    ActorRef<JobManager.Command> manager = manager();
    awaitReady(manager);

    Map<String, JobView> jobs = jobs(manager);
    assertEquals(JobState.RUNNING, jobs.get("killed").state());
    assertEquals(JobState.PAUSED, jobs.get("resting").state());
    assertEquals(JobState.RUNNING, jobs.get("drained").state());
    assertEquals(JobState.FINISHED, jobs.get("done").state());
    assertEquals(new JobCounts(10, 2, 0, 7, 1), jobs.get("done").counts());
    assertEquals(Optional.of(Instant.parse("2026-01-01T01:00:00Z")), jobs.get("done").ended());
    assertEquals(JobState.STOPPED, jobs.get("halted").state(), "a job stopped by an operator stays stopped");
    assertEquals(3, launcher.opened());
    assertEquals(CrawlSupervisor.Pause.INSTANCE, commands.expectMessageClass(CrawlSupervisor.Pause.class));
  }

  @Test
  void aSavedJobThatCannotStartAgainIsListedAsFailedWithTheReason() throws Exception {
    JobFiles.SavedJob broken = new JobFiles.SavedJob("broken", BodySyntax.HOCON,
        "spindle.job.seeds = [\"ftp://x/\"]", JobState.RUNNING, false, true, Instant.now(), Optional.empty(),
        JobCounts.NONE, "out/broken.jsonl", "memory", Optional.empty());
    files.save(broken);
    ActorRef<JobManager.Command> manager = manager();
    awaitReady(manager);
    JobView job = jobs(manager).get("broken");
    assertEquals(JobState.FAILED, job.state());
    assertTrue(job.error().orElseThrow().startsWith("could not start again after the service restarted: "
        + "spindle.job.seeds[0]"), job.toString());
  }

  @Test
  void aCrawlThatStopsWithoutASummaryFailsItsJobAndItsStoreIsClosed() {
    ActorRef<JobManager.Command> manager = manager();
    submit(manager, "fragile");
    Reply<Integer> added = ask(manager, replyTo -> new JobManager.AddSeeds("fragile",
        List.of("http://" + FakeCrawls.CRASH_HOST + "/"), replyTo));
    assertEquals(Reply.ok(1), added);
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      JobView job = jobs(manager).get("fragile");
      assertEquals(JobState.FAILED, job.state());
      assertTrue(job.error().orElseThrow().contains("stopped unexpectedly"), job.toString());
      assertEquals(1, launcher.closed());
      return null;
    });
  }

  @Test
  void shutdownStopsEveryRunningJobAnswersOnceTheyClosedAndSavesThemToStartAgain() throws Exception {
    ActorRef<JobManager.Command> manager = manager();
    awaitReady(manager);
    submit(manager, "one");
    submit(manager, "two");
    submit(manager, "three");
    assertTrue(ask(manager, (ActorRef<Reply<JobView>> replyTo) -> new JobManager.ChangeJob("three",
        JobManager.JobAction.STOP, replyTo)) instanceof Reply.Ok<JobView>);
    commands.fishForMessage(Duration.ofSeconds(5), command -> command == CrawlSupervisor.Stop.INSTANCE
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore());
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(JobState.STOPPED, jobs(manager).get("three").state());
      return null;
    });

    TestProbe<Done> stopped = testKit.createTestProbe();
    manager.tell(new JobManager.Shutdown(stopped.ref()));
    stopped.expectMessage(Duration.ofSeconds(5), Done.getInstance());
    assertEquals(JobManager.Readiness.STOPPING, ask(manager, JobManager.GetReadiness::new));
    assertEquals(3, launcher.closed(), "every store is closed before the shutdown is answered");
    Reply<JobView> late = ask(manager, replyTo -> new JobManager.Submit(AdminRoutesTest.job("late"), BodySyntax.HOCON,
        replyTo));
    assertTrue(late instanceof Reply.Refused<JobView> refused && refused.problem() == Reply.Problem.UNAVAILABLE);

    Map<String, JobFiles.SavedJob> saved = files.load().stream()
        .collect(Collectors.toMap(JobFiles.SavedJob::id, job -> job));
    assertEquals(JobState.STOPPED, saved.get("one").state());
    assertTrue(saved.get("one").restart(), "a job stopped by the shutdown starts again");
    assertTrue(saved.get("two").restart());
    assertFalse(saved.get("three").restart(), "a job an operator stopped stays stopped");
    assertTrue(saved.get("one").ended().isPresent());
  }

  private Reply<JobView> submitBody(ActorRef<JobManager.Command> manager, String body) {
    return ask(manager, replyTo -> new JobManager.Submit(body, BodySyntax.HOCON, replyTo));
  }

  private static String refusal(Reply<JobView> reply) {
    assertTrue(reply instanceof Reply.Refused<JobView>, reply.toString());
    Reply.Refused<JobView> refused = (Reply.Refused<JobView>) reply;
    return refused.problem().status() + " " + refused.message();
  }

  @Test
  void aJobWhoseOutputOrStoreAnActiveJobHoldsIsRefusedNamingThatJob() {
    ActorRef<JobManager.Command> manager = manager();
    String output = directory.resolve("shared.jsonl").toString();
    String store = directory.resolve("store").toString();
    submitBody(manager, AdminRoutesTest.job("first") + "spindle.output.path = \"" + output + "\"\n"
        + "spindle.store.dir = \"" + store + "\"\n");
    assertEquals("409 spindle.output.path: " + output + " is the output of job first, which is running",
        refusal(submitBody(manager, AdminRoutesTest.job("second") + "spindle.output.path = \"" + output + "\"\n")));
    assertEquals("409 spindle.store.dir: " + store + " is the store of job first, which is running",
        refusal(submitBody(manager, AdminRoutesTest.job("third") + "spindle.store.dir = \"" + store + "\"\n")));
    String jobsDirectory = directory.resolve("service").toString();
    assertTrue(refusal(submitBody(manager, AdminRoutesTest.job("fourth") + "spindle.store.dir = \"" + jobsDirectory
        + "\"\n")).startsWith("400 spindle.store.dir: " + jobsDirectory + " is the service's jobs directory"));
    assertEquals(1, launcher.opened(), "a refused job opened a store");

    ask(manager, (ActorRef<Reply<JobView>> replyTo) -> new JobManager.ChangeJob("first", JobManager.JobAction.STOP,
        replyTo));
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(JobState.STOPPED, jobs(manager).get("first").state());
      return null;
    });
    commands.awaitAssert(Duration.ofSeconds(5), () -> { // once its store is closed, another job may use both
      assertTrue(submitBody(manager, AdminRoutesTest.job("second") + "spindle.output.path = \"" + output + "\"\n"
          + "spindle.store.dir = \"" + store + "\"\n") instanceof Reply.Ok<JobView>);
      return null;
    });
    shutdown(manager);
  }

  /** Shuts {@code manager} down and waits until every job's file is written, so the test leaves nothing running. */
  private void shutdown(ActorRef<JobManager.Command> manager) {
    assertEquals(Done.getInstance(), ask(manager, JobManager.Shutdown::new));
  }

  @Test
  void aJoinOfAJobActiveHereIsRefusedAndOfAnEndedOneRunsItAgain() {
    ActorRef<JobManager.Command> manager = manager();
    submit(manager, "shared");
    Reply<JobView> refused = ask(manager, replyTo -> new JobManager.Join("shared", AdminRoutesTest.job("shared"),
        BodySyntax.HOCON, replyTo));
    assertEquals("409 job shared is active here or the service is stopping", refusal(refused));
    ask(manager, (ActorRef<Reply<JobView>> replyTo) -> new JobManager.ChangeJob("shared", JobManager.JobAction.STOP,
        replyTo));
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      Reply<JobView> joined = ask(manager, replyTo -> new JobManager.Join("shared", "spindle.job.seeds = "
          + "[\"http://a.example/\"]", BodySyntax.HOCON, replyTo));
      assertTrue(joined instanceof Reply.Ok<JobView> ok && ok.value().state() == JobState.RUNNING, joined.toString());
      return null;
    });
    assertEquals(2, launcher.opened());
    shutdown(manager);
  }

  @Test
  void aShutdownWhileAJobIsOpeningRefusesItWith503AndIsAnsweredOnceItsStoreIsClosedAgain() {
    CompletableFuture<Void> entered = new CompletableFuture<>();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    JobLauncher slow = (body, taken) -> JobTest.openingWhen(launcher.read(body, taken), entered, gate);
    AdminSettings settings = AdminRoutesTest.settings(directory, Optional.empty());
    ActorRef<JobManager.Command> manager = testKit.spawn(JobManager.create(new JobManager.Dependencies(slow,
        new SimpleMeterRegistry(), new HostMetrics(new SimpleMeterRegistry(), 2), settings, files,
        new FakeCrawls(commands).factory(), Clock.systemUTC())));
    awaitReady(manager);
    TestProbe<Reply<JobView>> submitted = testKit.createTestProbe();
    manager.tell(new JobManager.Submit(AdminRoutesTest.job("opening"), BodySyntax.HOCON, submitted.ref()));
    TestProbe<Done> stopped = testKit.createTestProbe();
    commands.awaitAssert(Duration.ofSeconds(5), () -> {
      assertTrue(entered.isDone(), "the job's store is not being opened yet");
      return null;
    });
    assertTrue(jobs(manager).isEmpty(), "a new job is listed while its store opens");
    manager.tell(new JobManager.Shutdown(stopped.ref()));
    stopped.expectNoMessage(Duration.ofMillis(300));

    gate.complete(null);
    assertEquals("503 the service is stopping", refusal(submitted.receiveMessage(Duration.ofSeconds(5))));
    stopped.expectMessage(Duration.ofSeconds(5), Done.getInstance());
    assertEquals(launcher.opened(), launcher.closed(), "the store opened during the shutdown is closed again");
    assertTrue(jobs(manager).isEmpty(), "the refused job is not listed");
  }
}
