package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.ErrorKind;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSummary;
import spindle.engine.CrawlSupervisor;
import spindle.engine.jobs.JobEvent;
import spindle.engine.Progress;

/**
 * The job actor's states, each driven on its own: the manager is a probe (it gets the job's status reports and the
 * outcome of its start), the crawls end when the test says, and the store's opening and closing wait for the test
 * where a test needs to act while they are under way.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path root;

  private Path directory;
  private JobFiles files;
  private TestProbe<CrawlSupervisor.Command> commands;
  private final Map<String, CrawlJob> crawls = new ConcurrentHashMap<>();
  private final List<Job.Saves> saves = new CopyOnWriteArrayList<>();
  private TestLauncher launcher;
  private TestProbe<JobManager.Command> manager;
  /** What the jobs published (a cluster node would follow these). */
  private final List<JobEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    directory = Files.createTempDirectory(root, "job");
    files = new JobFiles(directory.resolve("service"));
    commands = testKit.createTestProbe();
    crawls.clear();
    saves.clear();
    events.clear();
    launcher = new TestLauncher(directory);
    manager = testKit.createTestProbe();
  }

  // ---------------------------------------------------------------------------------------------- helpers

  /**
   * A crawl that does only what the test says: it passes every command to {@code commands}, ends when the test
   * completes its result ({@link #end}), and stops without a summary, as a crawl with a bug does, on seeds of
   * {@link FakeCrawls#CRASH_HOST}.
   */
  private Behavior<CrawlSupervisor.Command> heldCrawl(CrawlJob crawl) {
    crawls.put(crawl.settings().job().name(), crawl);
    return Behaviors.receive(CrawlSupervisor.Command.class).onAnyMessage(this::held).build();
  }

  private Behavior<CrawlSupervisor.Command> held(CrawlSupervisor.Command command) {
    commands.ref().tell(command);
    return command instanceof CrawlSupervisor.AddSeeds add
        && add.seeds().stream().anyMatch(seed -> seed.host().name().equals(FakeCrawls.CRASH_HOST))
        ? Behaviors.stopped() : Behaviors.same();
  }

  /** Ends the crawl of {@code name}: stopped (after a stop) or finished. */
  private void end(String name, boolean stopped) {
    CrawlJob crawl = crawls.get(name);
    crawl.result().complete(new CrawlSummary(crawl.frontier().counts(), 0, Duration.ofSeconds(1),
        Map.<ErrorKind, Long>of(), stopped, Optional.empty(), 0, 0));
  }

  private Job.Environment environment(String id) {
    var blockingIo = testKit.system().dispatchers()
        .lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
    JobManager.Dependencies dependencies = new JobManager.Dependencies(launcher, new SimpleMeterRegistry(),
        new HostMetrics(new SimpleMeterRegistry(), 2), AdminRoutesTest.settings(directory, Optional.empty()), files,
        this::heldCrawl, Clock.systemUTC(), events::add);
    Job.Saves file = new Job.Saves(files, blockingIo);
    saves.add(file);
    return new Job.Environment(id, dependencies, manager.ref(), blockingIo, file);
  }

  /** Every job's file is written before the test's directory is deleted. */
  @AfterEach
  void awaitSaves() {
    commands.awaitAssert(WAIT, () -> {
      assertTrue(saves.stream().noneMatch(Job.Saves::pending), "a job's file is still being written");
      return null;
    });
  }

  private JobDefinition definition(String name) throws JobRejected {
    return launcher.read(new JobBody(AdminRoutesTest.job(name), BodySyntax.HOCON, Optional.empty()), taken -> false);
  }

  private Job.Start start(JobDefinition definition, boolean paused, Optional<JobFiles.SavedJob> restored) {
    return new Job.Start(definition, new JobBody(AdminRoutesTest.job(definition.name()), BodySyntax.HOCON,
        Optional.empty()), paused, restored, manager.ref().narrow());
  }

  private ActorRef<Job.Command> spawn(JobDefinition definition) {
    return spawn(start(definition, false, Optional.empty()));
  }

  private ActorRef<Job.Command> spawn(Job.Start start) {
    return testKit.spawn(Job.preparing(environment(start.definition().name()), start));
  }

  /** The outcome of the job's start, skipping its status reports. */
  private Reply<JobView> prepared() {
    List<JobManager.Command> seen = manager.fishForMessage(WAIT, message -> message instanceof JobManager.Prepared
        ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return ((JobManager.Prepared) seen.get(seen.size() - 1)).outcome();
  }

  private JobView started() {
    Reply<JobView> outcome = prepared();
    assertTrue(outcome instanceof Reply.Ok<JobView>, outcome.toString());
    return ((Reply.Ok<JobView>) outcome).value();
  }

  /** The first status report that matches {@code condition}, skipping the others. */
  private Job.Status status(Predicate<Job.Status> condition) {
    List<JobManager.Command> seen = manager.fishForMessage(WAIT, message ->
        message instanceof JobManager.JobChanged changed && condition.test(changed.status())
            ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return ((JobManager.JobChanged) seen.get(seen.size() - 1)).status();
  }

  private static Predicate<Job.Status> listedAs(JobState state) {
    return status -> status.state().equals(Optional.of(state));
  }

  private <T> T ask(ActorRef<Job.Command> job, Function<ActorRef<T>, Job.Command> question) {
    TestProbe<T> answer = testKit.createTestProbe();
    job.tell(question.apply(answer.ref()));
    return answer.receiveMessage(WAIT);
  }

  private Reply<JobView> get(ActorRef<Job.Command> job) {
    return ask(job, Job.Get::new);
  }

  private JobView view(ActorRef<Job.Command> job) {
    Reply<JobView> reply = get(job);
    assertTrue(reply instanceof Reply.Ok<JobView>, reply.toString());
    return ((Reply.Ok<JobView>) reply).value();
  }

  private Reply<JobView> change(ActorRef<Job.Command> job, JobManager.JobAction action) {
    return ask(job, replyTo -> new Job.Change(action, JobManager.Origin.OPERATOR, replyTo));
  }

  /** {@code action} asked for by the cluster the service is a node of. */
  private Reply<JobView> changeForCluster(ActorRef<Job.Command> job, JobManager.JobAction action) {
    return ask(job, replyTo -> new Job.Change(action, JobManager.Origin.CLUSTER, replyTo));
  }

  private static Reply.Problem problem(Reply<?> reply) {
    assertTrue(reply instanceof Reply.Refused<?>, reply.toString());
    return ((Reply.Refused<?>) reply).problem();
  }

  private static String message(Reply<?> reply) {
    assertTrue(reply instanceof Reply.Refused<?>, reply.toString());
    return ((Reply.Refused<?>) reply).message();
  }

  private Map<String, JobFiles.SavedJob> savedFiles() throws Exception {
    return files.load().stream().collect(Collectors.toMap(JobFiles.SavedJob::id, saved -> saved));
  }

  private void awaitSaved(String id, Predicate<JobFiles.SavedJob> condition) {
    commands.awaitAssert(WAIT, () -> {
      JobFiles.SavedJob saved = savedFiles().get(id);
      assertTrue(saved != null && condition.test(saved), String.valueOf(saved));
      return null;
    });
  }

  /** A definition whose store opens only once {@code gate} completes, and fails when {@code gate} fails. */
  static JobDefinition openingWhen(JobDefinition definition, CompletableFuture<Void> gate) {
    return openingWhen(definition, new CompletableFuture<>(), gate);
  }

  /** {@link #openingWhen(JobDefinition, CompletableFuture)}, completing {@code entered} when the opening begins. */
  static JobDefinition openingWhen(JobDefinition definition, CompletableFuture<Void> entered,
      CompletableFuture<Void> gate) {
    return new JobDefinition() {
      @Override
      public String name() {
        return definition.name();
      }

      @Override
      public Path output() {
        return definition.output();
      }

      @Override
      public Optional<Path> storeDirectory() {
        return definition.storeDirectory();
      }

      @Override
      public PreparedJob open() throws JobRejected {
        entered.complete(null);
        try {
          gate.get(10, TimeUnit.SECONDS); // stands for a slow store, on the blocking-io dispatcher
        } catch (ExecutionException failed) {
          throw new JobRejected(failed.getCause().getMessage());
        } catch (InterruptedException | TimeoutException notReleased) {
          throw new IllegalStateException("the test did not release the store", notReleased);
        }
        return definition.open();
      }
    };
  }

  /** A definition whose store, once opened, closes only once {@code gate} completes; closes are counted. */
  private static JobDefinition closingWhen(JobDefinition definition, CompletableFuture<Void> gate,
      AtomicInteger closes) {
    return new JobDefinition() {
      @Override
      public String name() {
        return definition.name();
      }

      @Override
      public Path output() {
        return definition.output();
      }

      @Override
      public Optional<Path> storeDirectory() {
        return definition.storeDirectory();
      }

      @Override
      public PreparedJob open() throws JobRejected {
        PreparedJob opened = definition.open();
        return new PreparedJob(opened.name(), opened.settings(), opened.seeds(), opened.frontier(), opened.writer(),
            opened.fetcherFactory(), opened.resumeNote(), () -> {
              try {
                gate.get(10, TimeUnit.SECONDS);
              } catch (InterruptedException | ExecutionException | TimeoutException notReleased) {
                throw new java.io.IOException("the test did not release the store", notReleased);
              }
              opened.close();
              closes.incrementAndGet();
            }, opened.hosts());
      }
    };
  }

  // ---------------------------------------------------------------------------------------------- preparing

  @Test
  void aNewJobIsUnknownWhilePreparingSoAPauseGets404AndTheJobRunsOnceOpened() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    ActorRef<Job.Command> job = spawn(openingWhen(definition("slow"), gate));

    assertEquals(Reply.Problem.NOT_FOUND, problem(change(job, JobManager.JobAction.PAUSE)));
    assertEquals(Reply.Problem.NOT_FOUND, problem(get(job)));
    assertEquals(Reply.Problem.NOT_FOUND, problem(ask(job, (ActorRef<Reply<Integer>> replyTo) ->
        new Job.AddSeeds(List.of("http://a.example/more"), replyTo))));
    assertEquals(Optional.empty(), this.<Job.Described>ask(job, Job.Describe::new).view(), "listed while preparing");
    assertEquals(0, launcher.opened());

    gate.complete(null);
    assertEquals(JobState.RUNNING, started().state());
    assertEquals(JobState.RUNNING, view(job).state());
    commands.expectNoMessage(Duration.ofMillis(200)); // the pause before was not kept for later
  }

  @Test
  void aJobPausedBeforeTheServiceRestartedStartsPaused() throws Exception {
    ActorRef<Job.Command> job = spawn(start(definition("resting"), true, Optional.empty()));
    assertEquals(JobState.PAUSED, started().state());
    commands.expectMessage(CrawlSupervisor.Pause.INSTANCE);
    assertEquals(JobState.PAUSED, view(job).state());
    awaitSaved("resting", saved -> saved.state() == JobState.PAUSED && saved.paused() && saved.restart());
  }

  @Test
  void aNewJobWhoseStoreCannotBeOpenedIsRefusedWithTheReasonAndIsGone() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    ActorRef<Job.Command> job = spawn(openingWhen(definition("locked"), gate));
    gate.completeExceptionally(new IllegalStateException("spindle.store.dir: data/locked is in use by another "
        + "crawl"));
    assertTrue(status(Job.Status::gone).gone()); // told before the outcome: the manager forgets it first
    Reply<JobView> outcome = prepared();
    assertEquals(Reply.Problem.BAD_REQUEST, problem(outcome));
    assertEquals("spindle.store.dir: data/locked is in use by another crawl", message(outcome));
    manager.expectTerminated(job, WAIT);
    assertFalse(savedFiles().containsKey("locked"), "a job that never started was saved");
  }

  @Test
  void aRestoredJobWhoseStoreCannotBeOpenedIsListedAsFailedAndSavedSo() throws Exception {
    JobFiles.SavedJob saved = new JobFiles.SavedJob("restored", BodySyntax.HOCON, AdminRoutesTest.job("restored"),
        JobState.RUNNING, false, true, java.time.Instant.parse("2026-01-01T00:00:00Z"), Optional.empty(),
        new JobCounts(5, 1, 0, 4, 0), "out/restored.jsonl", "memory", Optional.empty());
    CompletableFuture<Void> gate = new CompletableFuture<>();
    gate.completeExceptionally(new IllegalStateException("spindle.store.dir: data/restored holds another crawl"));
    ActorRef<Job.Command> job = spawn(start(openingWhen(definition("restored"), gate), false, Optional.of(saved)));

    assertEquals(Reply.Problem.BAD_REQUEST, problem(prepared()));
    JobView failed = view(job);
    assertEquals(JobState.FAILED, failed.state());
    assertEquals(Optional.of("could not start again after the service restarted: spindle.store.dir: "
        + "data/restored holds another crawl"), failed.error());
    assertEquals(new JobCounts(5, 1, 0, 4, 0), failed.counts());
    awaitSaved("restored", file -> file.state() == JobState.FAILED && !file.restart());
    assertTrue(status(status -> !status.saving()).claim().isEmpty());
  }

  @Test
  void aShutdownWhilePreparingClosesTheStoreOnceOpenAndRefusesTheJobWith503() throws Exception {
    CompletableFuture<Void> opening = new CompletableFuture<>();
    CompletableFuture<Void> closing = new CompletableFuture<>();
    AtomicInteger closes = new AtomicInteger();
    ActorRef<Job.Command> job = spawn(openingWhen(closingWhen(definition("late"), closing, closes), opening));
    job.tell(Job.Shutdown.INSTANCE);
    opening.complete(null);

    Reply<JobView> outcome = prepared();
    assertEquals(Reply.Problem.UNAVAILABLE, problem(outcome));
    assertEquals("the service is stopping", message(outcome));
    manager.expectNoMessage(Duration.ofMillis(200)); // still holding its store: not gone yet
    closing.complete(null);
    assertTrue(status(Job.Status::gone).gone());
    manager.expectTerminated(job, WAIT);
    assertEquals(1, closes.get());
    commands.expectNoMessage(Duration.ofMillis(100)); // no crawl was started
  }

  // ---------------------------------------------------------------------------------------------- crawling

  @Test
  void pauseResumeAndSeedsReachTheCrawlWhileItRunsOrIsPaused() throws Exception {
    ActorRef<Job.Command> job = spawn(definition("steer"));
    started();
    assertEquals(Reply.ok(1), ask(job, (ActorRef<Reply<Integer>> replyTo) ->
        new Job.AddSeeds(List.of("HTTP://New.Example/a/../b"), replyTo)));
    assertEquals("http://new.example/b", commands.expectMessageClass(CrawlSupervisor.AddSeeds.class).seeds().get(0)
        .url());
    Reply<Integer> invalid = ask(job, replyTo -> new Job.AddSeeds(List.of("http://ok.example/", "ftp://x/"), replyTo));
    assertEquals("seeds: \"ftp://x/\" is not an absolute http(s) URL", message(invalid));
    assertEquals(JobState.RUNNING, ((Reply.Ok<JobView>) change(job, JobManager.JobAction.RESUME)).value().state());
    commands.expectNoMessage(Duration.ofMillis(100)); // resuming a running job changes nothing

    assertEquals(JobState.PAUSED, ((Reply.Ok<JobView>) change(job, JobManager.JobAction.PAUSE)).value().state());
    commands.expectMessage(CrawlSupervisor.Pause.INSTANCE);
    awaitSaved("steer", saved -> saved.state() == JobState.PAUSED && saved.paused());
    assertEquals(Reply.ok(1), ask(job, (ActorRef<Reply<Integer>> replyTo) ->
        new Job.AddSeeds(List.of("http://later.example/"), replyTo)));
    commands.expectMessageClass(CrawlSupervisor.AddSeeds.class);
    assertEquals(JobState.RUNNING, ((Reply.Ok<JobView>) change(job, JobManager.JobAction.RESUME)).value().state());
    commands.expectMessage(CrawlSupervisor.Resume.INSTANCE);
    awaitSaved("steer", saved -> saved.state() == JobState.RUNNING && !saved.paused() && saved.restart());
  }

  @Test
  void anOperatorsChangesAndTheEndOfTheCrawlArePublishedButChangesTheClusterAskedForAreNot() throws Exception {
    ActorRef<Job.Command> job = spawn(definition("heard"));
    started();
    changeForCluster(job, JobManager.JobAction.PAUSE);
    commands.expectMessage(CrawlSupervisor.Pause.INSTANCE);
    changeForCluster(job, JobManager.JobAction.RESUME);
    commands.expectMessage(CrawlSupervisor.Resume.INSTANCE);
    assertEquals(List.of(), events, "a change that came from the cluster is not announced back to it");

    change(job, JobManager.JobAction.PAUSE);
    change(job, JobManager.JobAction.RESUME);
    change(job, JobManager.JobAction.STOP);
    assertEquals(List.of(new JobEvent.Paused("heard"), new JobEvent.Resumed("heard"), new JobEvent.Stopped("heard")),
        events);

    ActorRef<Job.Command> other = spawn(definition("done"));
    started();
    changeForCluster(other, JobManager.JobAction.STOP);
    assertEquals(3, events.size(), "the cluster's stop is not announced either");
    end("done", false);
    status(status -> status.claim().isEmpty() && !status.saving());
    assertEquals(new JobEvent.Finished("done"), events.get(events.size() - 1));
  }

  @Test
  void aStopWhilePausedDrainsRefusingPauseResumeAndSeedsAndEndsStoppedForGood() throws Exception {
    ActorRef<Job.Command> job = spawn(definition("halt"));
    started();
    change(job, JobManager.JobAction.PAUSE);
    commands.expectMessage(CrawlSupervisor.Pause.INSTANCE);

    JobView stopping = ((Reply.Ok<JobView>) change(job, JobManager.JobAction.STOP)).value();
    assertEquals(JobState.STOPPING, stopping.state());
    commands.expectMessage(CrawlSupervisor.Stop.INSTANCE);
    awaitSaved("halt", saved -> saved.state() == JobState.STOPPING && saved.paused() && !saved.restart());
    assertEquals("job halt is stopping", message(change(job, JobManager.JobAction.PAUSE)));
    assertEquals("job halt is stopping", message(change(job, JobManager.JobAction.RESUME)));
    assertEquals("job halt is stopping; seeds can be added only while it runs or is paused", message(
        ask(job, (ActorRef<Reply<Integer>> replyTo) -> new Job.AddSeeds(List.of("http://a.example/"), replyTo))));
    assertEquals(JobState.STOPPING, ((Reply.Ok<JobView>) change(job, JobManager.JobAction.STOP)).value().state());
    job.tell(Job.Shutdown.INSTANCE); // the shutdown does not turn an operator's stop into one that restarts
    commands.expectNoMessage(Duration.ofMillis(100)); // no second stop reaches the crawl

    end("halt", true);
    assertTrue(status(status -> status.claim().isEmpty() && !status.saving()).state()
        .equals(Optional.of(JobState.STOPPED)));
    JobView stopped = view(job);
    assertEquals(JobState.STOPPED, stopped.state());
    assertTrue(stopped.ended().isPresent());
    assertEquals(1, launcher.closed());
    JobFiles.SavedJob saved = savedFiles().get("halt");
    assertEquals(JobState.STOPPED, saved.state());
    assertFalse(saved.restart(), "an operator's stop stays one across a restart of the service");
    assertEquals("job halt has ended (stopped); submit it again to resume it",
        message(change(job, JobManager.JobAction.RESUME)));
  }

  @Test
  void aShutdownStopsARunningJobAndSavesItToStartAgainWithTheService() throws Exception {
    ActorRef<Job.Command> job = spawn(definition("interrupted"));
    started();
    job.tell(Job.Shutdown.INSTANCE);
    commands.expectMessage(CrawlSupervisor.Stop.INSTANCE);
    assertEquals(JobState.STOPPING, view(job).state());
    awaitSaved("interrupted", saved -> saved.state() == JobState.STOPPING && saved.restart());
    end("interrupted", true);
    status(status -> status.claim().isEmpty() && !status.saving());
    JobFiles.SavedJob saved = savedFiles().get("interrupted");
    assertEquals(JobState.STOPPED, saved.state());
    assertTrue(saved.restart());
    assertTrue(saved.ended().isPresent());
  }

  @Test
  void aCrawlWhoseSupervisorStopsWithoutASummaryFailsTheJobAndItsStoreIsClosed() throws Exception {
    ActorRef<Job.Command> job = spawn(definition("fragile"));
    started();
    job.tell(new Job.AddSeeds(List.of("http://" + FakeCrawls.CRASH_HOST + "/"), testKit.<Reply<Integer>>createTestProbe()
        .ref()));
    assertEquals(Optional.of(JobState.FAILED), status(status -> status.claim().isEmpty()).state());
    JobView failed = view(job);
    assertEquals(Optional.of("the crawl stopped unexpectedly (an internal error; see the service's log)"),
        failed.error());
    assertEquals(1, launcher.closed());
    awaitSaved("fragile", saved -> saved.state() == JobState.FAILED && !saved.restart());
  }

  // ---------------------------------------------------------------------------------------------- closing, ended

  @Test
  void aJobClosingItsStoreIsListedAsEndedButHoldsItsOutputAndStoreUntilClosed() throws Exception {
    CompletableFuture<Void> closing = new CompletableFuture<>();
    AtomicInteger closes = new AtomicInteger();
    ActorRef<Job.Command> job = spawn(closingWhen(definition("closing"), closing, closes));
    started();
    end("closing", false);

    Job.Status holding = status(listedAs(JobState.FINISHED));
    assertTrue(holding.claim().isPresent(), "a closing job still holds its output and store");
    assertEquals(JobState.FINISHED, view(job).state());
    assertEquals("job closing has ended (finished); submit it again to resume it",
        message(change(job, JobManager.JobAction.STOP)));
    job.tell(start(definition("closing"), false, Optional.empty()));
    assertEquals(Reply.Problem.CONFLICT, problem(prepared()), "started again while its store was open");
    assertEquals(0, closes.get());

    closing.complete(null);
    assertTrue(status(status -> status.claim().isEmpty()).state().equals(Optional.of(JobState.FINISHED)));
    assertEquals(1, closes.get());
    awaitSaved("closing", saved -> saved.state() == JobState.FINISHED && !saved.restart());
  }

  @Test
  void aFinishedJobSubmittedAgainAnswersWithItsLastRunWhileItPreparesThenRunsANewRun() throws Exception {
    ActorRef<Job.Command> job = spawn(definition("again"));
    JobView first = started();
    crawls.get("again").progress().progress(new Progress(Duration.ofSeconds(1), 3, 0, 2, 1, 2.5, 5));
    end("again", false);
    status(status -> status.claim().isEmpty() && status.state().equals(Optional.of(JobState.FINISHED)));
    CrawlJob firstCrawl = crawls.get("again");
    assertEquals(1, ask(job, Job.GetSeries::new) instanceof Reply.Ok<List<Sample>> ok ? ok.value().size() : -1);

    CompletableFuture<Void> gate = new CompletableFuture<>();
    job.tell(start(openingWhen(definition("again"), gate), false, Optional.empty()));
    assertTrue(status(status -> status.claim().isPresent()).state().equals(Optional.of(JobState.FINISHED)),
        "preparing again, it is listed with its last run and holds its output and store");
    assertEquals(JobState.FINISHED, view(job).state());
    assertEquals("job again has ended (finished); submit it again to resume it",
        message(change(job, JobManager.JobAction.PAUSE)));

    gate.complete(null);
    JobView second = started();
    assertEquals(JobState.RUNNING, second.state());
    assertFalse(second.started().isBefore(first.started()));
    assertTrue(crawls.get("again") != firstCrawl, "a new crawl runs");
    firstCrawl.progress().progress(new Progress(Duration.ofSeconds(2), 9, 0, 0, 0, 9, 9)); // the old run, late
    assertEquals(Reply.ok(List.<Sample>of()), ask(job, Job.GetSeries::new), "the new run starts a new series");
    crawls.get("again").progress().progress(new Progress(Duration.ofSeconds(1), 0, 0, 2, 1, 1, 2));
    assertEquals(1, ask(job, Job.GetSeries::new) instanceof Reply.Ok<List<Sample>> ok ? ok.value().size() : -1);
  }

  @Test
  void anEndedJobFromItsFileIsListedChangesGet409AndTheShutdownLeavesItAsItIs() {
    JobFiles.SavedJob saved = new JobFiles.SavedJob("old", BodySyntax.HOCON, AdminRoutesTest.job("old"),
        JobState.FINISHED, false, false, java.time.Instant.parse("2026-01-01T00:00:00Z"),
        Optional.of(java.time.Instant.parse("2026-01-01T01:00:00Z")), new JobCounts(3, 0, 0, 3, 0), "out/old.jsonl",
        "memory", Optional.empty());
    ActorRef<Job.Command> job = testKit.spawn(Job.ended(environment("old"), EndedRun.fromSaved(saved,
        JobState.FINISHED, Optional.empty(), saved.ended().get()), false));
    assertEquals(Optional.of(JobState.FINISHED), this.<Job.Described>ask(job, Job.Describe::new).view()
        .map(JobView::state));
    assertEquals(Reply.Problem.CONFLICT, problem(change(job, JobManager.JobAction.RESUME)));
    assertEquals("job old is finished; seeds can be added only while it runs or is paused", message(
        ask(job, (ActorRef<Reply<Integer>> replyTo) -> new Job.AddSeeds(List.of("http://a.example/"), replyTo))));
    JobManager.JobHandle handle = ((Reply.Ok<JobManager.JobHandle>) this.<Reply<JobManager.JobHandle>>ask(job,
        Job.Lookup::new)).value();
    assertTrue(handle.supervisor().isEmpty(), "an ended job has no crawl to ask");
    job.tell(Job.Shutdown.INSTANCE);
    assertEquals(JobState.FINISHED, view(job).state());
    manager.expectNoMessage(Duration.ofMillis(100)); // nothing changed, nothing to report
  }
}
