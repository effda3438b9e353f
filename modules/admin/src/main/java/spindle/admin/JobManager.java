package spindle.admin;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.core.CrawlUrl;
import spindle.core.url.UrlNormalizer;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSummary;
import spindle.engine.CrawlSupervisor;
import spindle.engine.Seeds;
import spindle.engine.Progress;

/**
 * Runs the service's jobs: one {@link CrawlSupervisor} child per running job, in one actor system. It reads and
 * opens submitted jobs through the {@link JobLauncher} (on the blocking-io dispatcher, one submission at a time),
 * keeps each job's state, counts and a fifteen-minute series of one-second samples, closes a job's store when its crawl
 * ends, saves every job to {@link JobFiles} so that jobs interrupted by a shutdown or a kill start again (resuming
 * from their stores) when the service starts, and on {@link Shutdown} stops every job gracefully and answers once
 * all have drained and closed.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {
  /** Messages the manager handles. */
  public sealed interface Command {}

  /** Reads, opens and starts a job; replies with the job, or a refusal (400 bad job, 409 id in use, 503 stopping). */
  public record Submit(String body, BodySyntax syntax, ActorRef<Reply<JobView>> replyTo) implements Command {}

  /**
   * Runs here, under {@code name}, a job that was submitted to another node of the cluster (the body it was
   * submitted with); refused while a job of that name is active here.
   */
  public record Join(String name, String body, BodySyntax syntax, ActorRef<Reply<JobView>> replyTo)
      implements Command {}

  /** Replies with every job, sorted by id. */
  public record ListJobs(ActorRef<List<JobView>> replyTo) implements Command {}

  /** Replies with one job. */
  public record GetJob(String id, ActorRef<Reply<JobView>> replyTo) implements Command {}

  /** Pauses, resumes or stops a job, then replies with it (409 when its state does not allow the change). */
  public record ChangeJob(String id, JobAction action, ActorRef<Reply<JobView>> replyTo) implements Command {}

  /** What {@link ChangeJob} does. */
  public enum JobAction { PAUSE, RESUME, STOP }

  /** Adds seed URLs to a running job; replies with how many were submitted (400 naming the first invalid URL). */
  public record AddSeeds(String id, List<String> urls, ActorRef<Reply<Integer>> replyTo) implements Command {}

  /** Replies with a job and, while its crawl runs, its supervisor, for questions the crawl answers itself. */
  public record Lookup(String id, ActorRef<Reply<JobHandle>> replyTo) implements Command {}

  /** Replies with a job's one-second samples of the last fifteen minutes, oldest first. */
  public record GetSeries(String id, ActorRef<Reply<List<Sample>>> replyTo) implements Command {}

  /** Replies with whether the service is ready for requests. */
  public record GetReadiness(ActorRef<Readiness> replyTo) implements Command {}

  /** Stops every job gracefully and refuses new ones; replies once every job has ended and its store is closed. */
  public record Shutdown(ActorRef<Done> replyTo) implements Command {}

  /** The service's readiness. */
  public enum Readiness { STARTING, READY, STOPPING }

  /** A job, and the supervisor of its crawl while it runs. */
  public record JobHandle(JobView view, Optional<ActorRef<CrawlSupervisor.Command>> supervisor) {}

  private record Loaded(List<JobFiles.SavedJob> jobs, Throwable failure) implements Command {}

  private record Read(Submission submission, JobDefinition definition, Throwable failure) implements Command {}

  private record Opened(Submission submission, JobDefinition definition, PreparedJob prepared, Throwable failure)
      implements Command {}

  private record ProgressReport(String id, long run, Progress progress) implements Command {}

  private record CrawlEnded(String id, long run, CrawlSummary summary) implements Command {}

  private record SupervisorStopped(String id, long run) implements Command {}

  private record Closed(String id, long run, Throwable failure) implements Command {}

  private record AbortedOpenClosed(Throwable failure) implements Command {}

  private enum SavesWritten implements Command { INSTANCE }

  /**
   * What the manager needs.
   *
   * @param launcher reads and opens jobs
   * @param registry where each crawl registers its meters
   * @param hostMetrics the per-host gauges, fed with each running job's frontier
   * @param settings the service's settings
   * @param files where jobs are saved
   * @param supervisors the behavior of a job's crawl ({@code CrawlSupervisor::create}; tests put a fake here)
   * @param clock the time of samples and of job starts and ends
   */
  public record Dependencies(JobLauncher launcher, MeterRegistry registry, HostMetrics hostMetrics,
      AdminSettings settings, JobFiles files, Function<CrawlJob, Behavior<CrawlSupervisor.Command>> supervisors,
      Clock clock) {}

  /** A job to read and open: from the API (with someone to answer) or restored from a saved file at start. */
  private record Submission(JobBody body, Optional<ActorRef<Reply<JobView>>> replyTo, boolean startPaused,
      Optional<JobFiles.SavedJob> restored) {}

  /** For work off the actor (saving files, closing stores); handlers log through the context. */
  private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);
  private static final int SAMPLES = 900; // fifteen minutes, what the status page's charts show
  private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  private final Dependencies dependencies;
  private final Executor blockingIo;
  private final Path jobsDirectory;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Deque<Submission> submissions = new ArrayDeque<>();
  private final List<ActorRef<Done>> shutdownWaiters = new ArrayList<>();
  private final Set<String> restoring = new HashSet<>();
  private Submission current;
  private boolean loading = true;
  private boolean filesRead;
  private boolean stopping;
  private int abortedOpensClosing;
  private long runs;
  private CompletableFuture<Void> saves = CompletableFuture.completedFuture(null);

  private JobManager(ActorContext<Command> context, Dependencies dependencies) {
    super(context);
    this.dependencies = dependencies;
    this.blockingIo = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
    this.jobsDirectory = dependencies.files().directory().toAbsolutePath().normalize();
    JobFiles files = dependencies.files();
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return files.load();
      } catch (IOException unreadable) {
        throw new CompletionException(unreadable);
      }
    }, blockingIo), Loaded::new);
  }

  /** The manager; it restores the saved jobs first and is {@link Readiness#READY} once they have started. */
  public static Behavior<Command> create(Dependencies dependencies) {
    return Behaviors.setup(context -> new JobManager(context, dependencies));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(Join.class, this::onJoin)
        .onMessage(ListJobs.class, this::onListJobs)
        .onMessage(GetJob.class, this::onGetJob)
        .onMessage(ChangeJob.class, this::onChangeJob)
        .onMessage(AddSeeds.class, this::onAddSeeds)
        .onMessage(Lookup.class, this::onLookup)
        .onMessage(GetSeries.class, this::onGetSeries)
        .onMessage(GetReadiness.class, this::onGetReadiness)
        .onMessage(Shutdown.class, this::onShutdown)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(Read.class, this::onRead)
        .onMessage(Opened.class, this::onOpened)
        .onMessage(ProgressReport.class, this::onProgressReport)
        .onMessage(CrawlEnded.class, this::onCrawlEnded)
        .onMessage(SupervisorStopped.class, this::onSupervisorStopped)
        .onMessage(Closed.class, this::onClosed)
        .onMessage(AbortedOpenClosed.class, this::onAbortedOpenClosed)
        .onMessageEquals(SavesWritten.INSTANCE, this::onSavesWritten)
        .build();
  }

  // ------------------------------------------------------------------------------------------------ submissions

  private Behavior<Command> onSubmit(Submit submit) {
    if (stopping) {
      submit.replyTo().tell(Reply.refused(Reply.Problem.UNAVAILABLE, "the service is stopping"));
      return this;
    }
    submissions.add(new Submission(new JobBody(submit.body(), submit.syntax(), Optional.empty()),
        Optional.of(submit.replyTo()), false, Optional.empty()));
    nextSubmission();
    return this;
  }

  private Behavior<Command> onJoin(Join join) {
    Optional<Job> existing = find(join.name());
    if (stopping || existing.map(job -> job.state.active()).orElse(false)) {
      join.replyTo().tell(Reply.refused(Reply.Problem.CONFLICT, "job " + join.name() + " is active here or the "
          + "service is stopping"));
      return this;
    }
    submissions.add(new Submission(new JobBody(join.body(), join.syntax(), Optional.of(join.name())),
        Optional.of(join.replyTo()), false, Optional.empty()));
    nextSubmission();
    return this;
  }

  private void nextSubmission() {
    if (!filesRead || current != null || submissions.isEmpty()) {
      return;
    }
    current = submissions.poll();
    Set<String> taken = new HashSet<>(jobs.keySet());
    taken.addAll(restoring);
    JobLauncher launcher = dependencies.launcher();
    Submission submission = current;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return launcher.read(submission.body(), taken::contains);
      } catch (JobRejected rejected) {
        throw new CompletionException(rejected);
      }
    }, blockingIo), (definition, failure) -> new Read(submission, definition, unwrap(failure)));
  }

  private Behavior<Command> onRead(Read read) {
    Submission submission = read.submission();
    if (read.failure() != null) {
      refuseSubmission(submission, read.failure(), Optional.empty());
      return submissionDone();
    }
    if (stopping) {
      answer(submission, Reply.refused(Reply.Problem.UNAVAILABLE, "the service is stopping"));
      return submissionDone();
    }
    JobDefinition definition = read.definition();
    Optional<Reply<JobView>> conflict = conflict(definition);
    if (conflict.isPresent()) {
      if (submission.restored().isPresent()) {
        Reply.Refused<JobView> refused = (Reply.Refused<JobView>) conflict.get();
        failRestore(submission.restored().get(), refused.message());
      }
      answer(submission, conflict.get());
      return submissionDone();
    }
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return definition.open();
      } catch (JobRejected rejected) {
        throw new CompletionException(rejected);
      }
    }, blockingIo), (prepared, failure) -> new Opened(submission, definition, prepared, unwrap(failure)));
    return this;
  }

  /** Why {@code definition} cannot start now, if it cannot. */
  private Optional<Reply<JobView>> conflict(JobDefinition definition) {
    String id = definition.name();
    Job existing = jobs.get(id);
    if (existing != null && (existing.state.active() || existing.closing)) {
      return Optional.of(Reply.refused(Reply.Problem.CONFLICT, "job " + id + " is " + (existing.closing
          ? "closing its store; try again in a moment" : existing.state.wireName()
          + "; stop it first, or submit the job under another spindle.job.name")));
    }
    Path output = definition.output().toAbsolutePath().normalize();
    Optional<Path> store = definition.storeDirectory().map(path -> path.toAbsolutePath().normalize());
    if (store.isPresent() && store.get().equals(jobsDirectory)) {
      return Optional.of(Reply.refused(Reply.Problem.BAD_REQUEST, "spindle.store.dir: " + definition.storeDirectory()
          .get() + " is the service's jobs directory (spindle.admin.jobs-dir); give the job another name or "
          + "another spindle.store.dir"));
    }
    for (Job other : jobs.values()) {
      if (!(other.state.active() || other.closing) || other.id.equals(id)) {
        continue;
      }
      if (other.outputPath.equals(output)) {
        return Optional.of(Reply.refused(Reply.Problem.CONFLICT, "spindle.output.path: " + definition.output()
            + " is the output of job " + other.id + ", which is " + other.state.wireName()));
      }
      if (store.isPresent() && other.storePath.equals(store)) {
        return Optional.of(Reply.refused(Reply.Problem.CONFLICT, "spindle.store.dir: " + definition.storeDirectory()
            .get() + " is the store of job " + other.id + ", which is " + other.state.wireName()));
      }
    }
    return Optional.empty();
  }

  private Behavior<Command> onOpened(Opened opened) {
    Submission submission = opened.submission();
    if (opened.failure() != null) {
      refuseSubmission(submission, opened.failure(), Optional.of(opened.definition().name()));
      return submissionDone();
    }
    if (stopping) { // the shutdown began while the store was being opened: close it again, start nothing
      closeAborted(opened.prepared());
      answer(submission, Reply.refused(Reply.Problem.UNAVAILABLE, "the service is stopping"));
      return submissionDone();
    }
    Job job = start(opened.definition(), opened.prepared(), submission);
    answer(submission, Reply.ok(view(job)));
    return submissionDone();
  }

  private void refuseSubmission(Submission submission, Throwable failure, Optional<String> name) {
    if (failure instanceof JobRejected rejected) {
      getContext().getLog().info("job rejected{}: {}", name.map(n -> " job=" + n).orElse(""), rejected.getMessage());
      submission.restored().ifPresent(saved -> failRestore(saved, rejected.getMessage()));
      answer(submission, Reply.refused(Reply.Problem.BAD_REQUEST, rejected.getMessage()));
    } else {
      getContext().getLog().error("could not start a job", failure);
      submission.restored().ifPresent(saved -> failRestore(saved, "internal error: " + failure));
      answer(submission, Reply.refused(Reply.Problem.INTERNAL, "internal error: " + failure
          + " (stack trace in the service's log)"));
    }
  }

  private Behavior<Command> submissionDone() {
    if (current != null) {
      current.restored().ifPresent(saved -> restoring.remove(saved.id()));
    }
    current = null;
    if (loading && restoring.isEmpty()) {
      loading = false;
      getContext().getLog().info("service ready: jobs={}", jobs.size());
    }
    nextSubmission();
    maybeFinishShutdown();
    return this;
  }

  private static void answer(Submission submission, Reply<JobView> reply) {
    submission.replyTo().ifPresent(replyTo -> replyTo.tell(reply));
  }

  private Job start(JobDefinition definition, PreparedJob prepared, Submission submission) {
    String id = definition.name();
    long run = ++runs;
    Job job = new Job(id, run, submission.body(), definition, prepared, dependencies.clock().instant());
    jobs.remove(id); // a resubmitted job moves to the end, like a new one
    jobs.put(id, job);
    ActorRef<Command> self = getContext().getSelf();
    CompletableFuture<CrawlSummary> result = new CompletableFuture<>();
    CrawlJob crawl = prepared.crawlJob(dependencies.registry(),
        progress -> self.tell(new ProgressReport(id, run, progress)), result);
    job.supervisor = getContext().spawn(dependencies.supervisors().apply(crawl), "job-" + id + "-" + run);
    getContext().watchWith(job.supervisor, new SupervisorStopped(id, run));
    getContext().pipeToSelf(result, (summary, failure) -> new CrawlEnded(id, run, summary));
    dependencies.hostMetrics().register(id, prepared.frontier());
    if (submission.startPaused()) {
      job.supervisor.tell(CrawlSupervisor.Pause.INSTANCE);
      job.state = JobState.PAUSED;
    }
    getContext().getLog().info("job started job={} output={} store={} restored={}{}", id, job.output, job.store,
        submission.restored().isPresent(), prepared.resumeNote().map(note -> " (" + note + ")").orElse(""));
    save(job);
    return job;
  }

  private void failRestore(JobFiles.SavedJob saved, String message) {
    Job existing = jobs.get(saved.id());
    if (existing != null && (existing.state.active() || existing.closing)) {
      return;
    }
    Job job = Job.ended(saved, JobState.FAILED, Optional.of("could not start again after the service restarted: "
        + message), dependencies.clock().instant());
    jobs.put(saved.id(), job);
    save(job);
  }

  private void closeAborted(PreparedJob prepared) {
    abortedOpensClosing++;
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> closeQuietly(prepared), blockingIo),
        (ignored, failure) -> new AbortedOpenClosed(failure));
  }

  private Behavior<Command> onAbortedOpenClosed(AbortedOpenClosed closed) {
    abortedOpensClosing--;
    maybeFinishShutdown();
    return this;
  }

  // ------------------------------------------------------------------------------------------------ restore

  private Behavior<Command> onLoaded(Loaded loaded) {
    filesRead = true;
    if (loaded.failure() != null) {
      getContext().getLog().error("could not read the saved jobs in {}; starting without them", jobsDirectory, loaded.failure());
    } else {
      List<Submission> restores = new ArrayList<>();
      for (JobFiles.SavedJob saved : loaded.jobs()) {
        if (saved.restart() && !stopping) {
          restoring.add(saved.id());
          restores.add(new Submission(new JobBody(saved.body(), saved.syntax(), Optional.of(saved.id())),
              Optional.empty(), saved.paused(), Optional.of(saved)));
        } else {
          jobs.put(saved.id(), Job.ended(saved, saved.state().active() ? JobState.STOPPED : saved.state(),
              saved.error(), saved.ended().orElse(saved.started())));
        }
      }
      for (int i = restores.size() - 1; i >= 0; i--) {
        submissions.addFirst(restores.get(i)); // before any submission that arrived while the files were read
      }
      getContext().getLog().info("saved jobs read dir={} restarting={} ended={}", jobsDirectory, restoring.size(),
          jobs.size());
    }
    if (restoring.isEmpty()) {
      loading = false;
      getContext().getLog().info("service ready: jobs={}", jobs.size());
    }
    nextSubmission();
    return this;
  }

  // ------------------------------------------------------------------------------------------------ queries

  private Behavior<Command> onListJobs(ListJobs list) {
    list.replyTo().tell(jobs.values().stream().sorted((a, b) -> a.id.compareTo(b.id)).map(this::view).toList());
    return this;
  }

  private Behavior<Command> onGetJob(GetJob get) {
    get.replyTo().tell(find(get.id()).map(job -> Reply.ok(view(job))).orElseGet(() -> notFound(get.id())));
    return this;
  }

  private Behavior<Command> onLookup(Lookup lookup) {
    Optional<Job> job = find(lookup.id());
    if (job.isEmpty()) {
      lookup.replyTo().tell(notFound(lookup.id()));
    } else {
      Job found = job.get();
      lookup.replyTo().tell(Reply.ok(new JobHandle(view(found),
          found.state.active() ? Optional.ofNullable(found.supervisor) : Optional.empty())));
    }
    return this;
  }

  private Behavior<Command> onGetSeries(GetSeries get) {
    get.replyTo().tell(find(get.id()).map(job -> Reply.ok(List.copyOf(job.samples)))
        .orElseGet(() -> notFound(get.id())));
    return this;
  }

  private Behavior<Command> onGetReadiness(GetReadiness get) {
    get.replyTo().tell(stopping ? Readiness.STOPPING : loading ? Readiness.STARTING : Readiness.READY);
    return this;
  }

  private Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  private static <T> Reply<T> notFound(String id) {
    return Reply.refused(Reply.Problem.NOT_FOUND, "no job " + id);
  }

  // ------------------------------------------------------------------------------------------------ control

  private Behavior<Command> onChangeJob(ChangeJob change) {
    Optional<Job> found = find(change.id());
    if (found.isEmpty()) {
      change.replyTo().tell(notFound(change.id()));
      return this;
    }
    Job job = found.get();
    if (!job.state.active()) {
      change.replyTo().tell(Reply.refused(Reply.Problem.CONFLICT, "job " + job.id + " has ended ("
          + job.state.wireName() + "); submit it again to resume it"));
      return this;
    }
    switch (change.action()) {
      case PAUSE -> {
        if (job.state == JobState.STOPPING) {
          change.replyTo().tell(stoppingConflict(job));
          return this;
        }
        if (job.state == JobState.RUNNING) {
          job.supervisor.tell(CrawlSupervisor.Pause.INSTANCE);
          job.state = JobState.PAUSED;
          getContext().getLog().info("job paused job={}", job.id);
          save(job);
          dependencies.launcher().pausedByOperator(job.id);
        }
      }
      case RESUME -> {
        if (job.state == JobState.STOPPING) {
          change.replyTo().tell(stoppingConflict(job));
          return this;
        }
        if (job.state == JobState.PAUSED) {
          job.supervisor.tell(CrawlSupervisor.Resume.INSTANCE);
          job.state = JobState.RUNNING;
          getContext().getLog().info("job resumed job={}", job.id);
          save(job);
          dependencies.launcher().resumedByOperator(job.id);
        }
      }
      case STOP -> {
        if (job.state != JobState.STOPPING) {
          job.supervisor.tell(CrawlSupervisor.Stop.INSTANCE);
          job.pausedWhenStopped = job.state == JobState.PAUSED;
          job.state = JobState.STOPPING;
          job.restart = false; // an operator's stop: the job stays stopped across a restart of the service
          getContext().getLog().info("job stopping job={}", job.id);
          dependencies.launcher().stoppedByOperator(job.id);
          save(job);
        }
      }
    }
    change.replyTo().tell(Reply.ok(view(job)));
    return this;
  }

  private static <T> Reply<T> stoppingConflict(Job job) {
    return Reply.refused(Reply.Problem.CONFLICT, "job " + job.id + " is stopping");
  }

  private Behavior<Command> onAddSeeds(AddSeeds add) {
    Optional<Job> found = find(add.id());
    if (found.isEmpty()) {
      add.replyTo().tell(notFound(add.id()));
      return this;
    }
    Job job = found.get();
    if (!job.state.active() || job.state == JobState.STOPPING) {
      add.replyTo().tell(Reply.refused(Reply.Problem.CONFLICT, "job " + job.id + " is " + job.state.wireName()
          + "; seeds can be added only while it runs or is paused"));
      return this;
    }
    List<CrawlUrl> seeds = new ArrayList<>();
    for (String url : add.urls()) {
      Optional<CrawlUrl> seed = Seeds.seed(url, job.normalizer);
      if (seed.isEmpty()) {
        add.replyTo().tell(Reply.refused(Reply.Problem.BAD_REQUEST, "seeds: \"" + url
            + "\" is not an absolute http(s) URL"));
        return this;
      }
      seeds.add(seed.get());
    }
    job.supervisor.tell(new CrawlSupervisor.AddSeeds(seeds));
    getContext().getLog().info("seeds added job={} seeds={}", job.id, seeds.size());
    add.replyTo().tell(Reply.ok(seeds.size()));
    return this;
  }

  // ------------------------------------------------------------------------------------------------ a crawl's life

  private Behavior<Command> onProgressReport(ProgressReport report) {
    Job job = jobs.get(report.id());
    if (job == null || job.run != report.run()) {
      return this;
    }
    job.lastProgress = report.progress();
    Instant now = dependencies.clock().instant();
    job.lastProgressAt = now;
    Sample last = job.samples.peekLast();
    if (last == null || !now.isBefore(last.time().plus(SAMPLE_INTERVAL).minusMillis(100))) {
      if (job.samples.size() == SAMPLES) {
        job.samples.pollFirst();
      }
      Progress progress = report.progress();
      job.samples.addLast(new Sample(now, progress.done(), progress.failed(), progress.queued(), progress.inFlight(),
          progress.pagesPerSecond(), errorsPerSecond(last, now, progress.failed())));
    }
    return this;
  }

  private Behavior<Command> onCrawlEnded(CrawlEnded ended) {
    Job job = jobs.get(ended.id());
    if (job == null || job.run != ended.run() || job.prepared == null) {
      return this;
    }
    CrawlSummary summary = ended.summary();
    job.finalCounts = JobCounts.of(summary.counts(), 0);
    if (summary.failure().isPresent()) {
      job.state = JobState.FAILED;
      job.error = summary.failure();
    } else {
      job.state = summary.stopped() ? JobState.STOPPED : JobState.FINISHED;
    }
    job.restart = job.restart && job.state == JobState.STOPPED; // only a job interrupted by a shutdown goes on
    if (job.state == JobState.FINISHED) {
      dependencies.launcher().finished(job.id);
    }
    job.ended = Optional.of(dependencies.clock().instant());
    getContext().getLog().info("job ended job={} state={} fetched={} failed={} queued={} seconds={}", job.id,
        job.state.wireName(),
        summary.counts().fetched(), summary.counts().failed(), summary.counts().queued(),
        summary.elapsed().toSeconds());
    close(job);
    return this;
  }

  private Behavior<Command> onSupervisorStopped(SupervisorStopped stopped) {
    Job job = jobs.get(stopped.id());
    if (job == null || job.run != stopped.run()) {
      return this;
    }
    job.supervisor = null;
    if (job.prepared != null) { // stopped without a summary: a bug in the crawl (its supervisor logged it)
      job.state = JobState.FAILED;
      job.restart = false;
      job.error = Optional.of("the crawl stopped unexpectedly (an internal error; see the service's log)");
      job.ended = Optional.of(dependencies.clock().instant());
      job.finalCounts = counts(job);
      getContext().getLog().error("job failed job={}: its crawl supervisor stopped without a summary", job.id);
      close(job);
    }
    return this;
  }

  /** Closes a job's store and output off the actor; the job counts as active until {@link Closed}. */
  private void close(Job job) {
    PreparedJob prepared = job.prepared;
    job.prepared = null;
    job.closing = true;
    dependencies.hostMetrics().unregister(job.id);
    String id = job.id;
    long run = job.run;
    getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        prepared.close();
      } catch (IOException failed) {
        throw new CompletionException(failed);
      }
    }, blockingIo), (ignored, failure) -> new Closed(id, run, unwrap(failure)));
  }

  private Behavior<Command> onClosed(Closed closed) {
    Job job = jobs.get(closed.id());
    if (job != null && job.run == closed.run()) {
      job.closing = false;
      if (closed.failure() != null) {
        getContext().getLog().error("could not close the store of job={}", job.id, closed.failure());
        if (job.error.isEmpty()) {
          job.error = Optional.of("could not close the store: " + closed.failure().getMessage());
        }
      }
      save(job);
    }
    maybeFinishShutdown();
    return this;
  }

  // ------------------------------------------------------------------------------------------------ shutdown

  private Behavior<Command> onShutdown(Shutdown shutdown) {
    shutdownWaiters.add(shutdown.replyTo());
    if (!stopping) {
      stopping = true;
      getContext().getLog().info("service stopping: draining {} running jobs",
          jobs.values().stream().filter(job -> job.state.active()).count());
      submissions.forEach(queued -> answer(queued, Reply.refused(Reply.Problem.UNAVAILABLE,
          "the service is stopping")));
      submissions.clear();
      for (Job job : jobs.values()) {
        if (job.state.active() && job.state != JobState.STOPPING && job.supervisor != null) {
          job.supervisor.tell(CrawlSupervisor.Stop.INSTANCE);
          job.pausedWhenStopped = job.state == JobState.PAUSED;
          job.state = JobState.STOPPING;
          job.restart = true; // interrupted by the shutdown: it starts again with the service
          save(job);
        }
      }
    }
    maybeFinishShutdown();
    return this;
  }

  private void maybeFinishShutdown() {
    if (!stopping || current != null || abortedOpensClosing > 0
        || jobs.values().stream().anyMatch(job -> job.state.active() || job.closing)) {
      return;
    }
    getContext().pipeToSelf(saves, (ignored, failure) -> SavesWritten.INSTANCE);
  }

  private Behavior<Command> onSavesWritten() {
    if (stopping && !shutdownWaiters.isEmpty()) {
      getContext().getLog().info("service stopped: every job drained and closed");
      shutdownWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
      shutdownWaiters.clear();
    }
    return this;
  }

  // ------------------------------------------------------------------------------------------------ views

  private JobView view(Job job) {
    JobCounts counts = counts(job);
    double rate = 0;
    OptionalDouble eta = OptionalDouble.empty();
    if (job.state.active()) {
      rate = lastMinuteRate(job);
      if (rate > 0 && job.state == JobState.RUNNING) { // a paused or stopping job makes no progress to extrapolate
        eta = OptionalDouble.of(counts.queued() / rate);
      }
    }
    return new JobView(job.id, job.state, job.started, job.ended, counts, rate, eta, job.output, job.store,
        job.error);
  }

  private static JobCounts counts(Job job) {
    if (job.prepared != null) { // counts() never blocks: frontiers keep them in memory
      return JobCounts.of(job.prepared.frontier().counts(), job.lastProgress == null ? 0 : job.lastProgress.inFlight());
    }
    return job.finalCounts == null ? JobCounts.NONE : job.finalCounts;
  }

  /** Errors per second between {@code previous} (none: 0) and a sample at {@code now} with {@code failed} errors. */
  static double errorsPerSecond(Sample previous, Instant now, long failed) {
    if (previous == null) {
      return 0;
    }
    double seconds = Duration.between(previous.time(), now).toNanos() / 1e9;
    return seconds <= 0 ? 0 : Math.max(0, failed - previous.failed()) / seconds;
  }

  /** Records per second between the oldest sample of the last minute and the latest progress report. */
  private double lastMinuteRate(Job job) {
    Sample last = job.samples.peekLast();
    if (last == null) {
      return 0;
    }
    Sample newest = new Sample(job.lastProgressAt, job.lastProgress.done(), job.lastProgress.failed(),
        job.lastProgress.queued(), job.lastProgress.inFlight(), job.lastProgress.pagesPerSecond(), 0);
    Instant since = dependencies.clock().instant().minus(RATE_WINDOW);
    Sample oldest = newest;
    var descending = job.samples.descendingIterator();
    while (descending.hasNext()) {
      Sample sample = descending.next();
      if (sample.time().isBefore(since)) {
        break;
      }
      oldest = sample;
    }
    double seconds = Duration.between(oldest.time(), newest.time()).toNanos() / 1e9;
    if (seconds < 0.5) {
      return newest.pagesPerSecond();
    }
    return Math.max(0, (newest.done() - oldest.done()) / seconds);
  }

  // ------------------------------------------------------------------------------------------------ saving

  private void save(Job job) {
    JobFiles.SavedJob snapshot = new JobFiles.SavedJob(job.id, job.body.syntax(), job.body.text(), job.state,
        job.state == JobState.PAUSED || (job.state == JobState.STOPPING && job.pausedWhenStopped), job.restart,
        job.started, job.ended, counts(job), job.output, job.store, job.error);
    JobFiles files = dependencies.files();
    saves = saves.thenRunAsync(() -> {
      try {
        files.save(snapshot);
      } catch (IOException failed) { // the job runs on; only its restart after a service restart is at risk
        LOG.error("could not save job={} in {}: {}", snapshot.id(), files.directory(), failed.toString());
      }
    }, blockingIo);
  }

  private static void closeQuietly(PreparedJob prepared) {
    try {
      prepared.close();
    } catch (IOException failed) {
      LOG.warn("could not close job={}: {}", prepared.name(), failed.toString());
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** One job's state; owned by the manager, never shared. */
  private static final class Job {
    final String id;
    final long run;
    final JobBody body;
    final Instant started;
    final String output;
    final String store;
    final Path outputPath;
    final Optional<Path> storePath;
    final UrlNormalizer normalizer;
    final Deque<Sample> samples = new ArrayDeque<>();
    JobState state = JobState.RUNNING;
    Optional<Instant> ended = Optional.empty();
    Optional<String> error = Optional.empty();
    PreparedJob prepared;
    ActorRef<CrawlSupervisor.Command> supervisor;
    Progress lastProgress;
    Instant lastProgressAt;
    JobCounts finalCounts;
    boolean closing;
    boolean restart = true;
    boolean pausedWhenStopped;

    Job(String id, long run, JobBody body, JobDefinition definition, PreparedJob prepared, Instant started) {
      this.id = id;
      this.run = run;
      this.body = body;
      this.started = started;
      this.output = definition.output().toString();
      this.store = definition.storeDirectory().map(Path::toString).orElse("memory");
      this.outputPath = definition.output().toAbsolutePath().normalize();
      this.storePath = definition.storeDirectory().map(path -> path.toAbsolutePath().normalize());
      this.normalizer = new UrlNormalizer(prepared.settings().normalization());
      this.prepared = prepared;
    }

    private Job(JobFiles.SavedJob saved, JobState state, Optional<String> error, Instant ended) {
      this.id = saved.id();
      this.run = 0;
      this.body = new JobBody(saved.body(), saved.syntax(), Optional.of(saved.id()));
      this.started = saved.started();
      this.output = saved.output();
      this.store = saved.store();
      this.outputPath = Path.of(saved.output()).toAbsolutePath().normalize();
      this.storePath = saved.store().equals("memory") ? Optional.empty()
          : Optional.of(Path.of(saved.store()).toAbsolutePath().normalize());
      this.normalizer = null;
      this.state = state;
      this.error = error;
      this.ended = Optional.of(ended);
      this.finalCounts = saved.counts();
      this.restart = false;
    }

    /** A job that is not running, from its saved file. */
    static Job ended(JobFiles.SavedJob saved, JobState state, Optional<String> error, Instant ended) {
      return new Job(saved, state, error, ended);
    }
  }
}
