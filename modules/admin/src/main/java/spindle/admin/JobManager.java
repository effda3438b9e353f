package spindle.admin;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSupervisor;
import spindle.engine.jobs.JobEvent;
import spindle.engine.jobs.JobEvents;

/**
 * The service's registry of jobs, the guardian of its actor system: one {@link Job} child per job id, which owns that
 * job's life (its store, crawl, samples and saved file). The registry keeps only each job's address and last
 * {@link Job.Status}: it reads submitted jobs through the {@link JobLauncher} (on the blocking-io dispatcher, one
 * submission at a time, restored jobs first), refuses those whose name, output or store another job holds, hands the
 * rest to their job to open and start, answers listings with an aggregator, and forwards every other question to the
 * job. Its own states are behaviours: starting (reading the saved jobs in {@link JobFiles}), serving ({@code
 * JobManager} itself; ready once the restored jobs have started) and stopping (after {@link Shutdown}: every job
 * stops gracefully, and the shutdown is answered once none holds a store or has a file left to write).
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

  /**
   * Pauses, resumes or stops a job, then replies with it (409 when its state does not allow the change). An
   * operator's change is published as a {@link JobEvent} (a cluster makes every node follow it); a change the
   * cluster asks for is not, since it came from there.
   */
  public record ChangeJob(String id, JobAction action, Origin origin, ActorRef<Reply<JobView>> replyTo)
      implements Command {
    /** An operator's change. */
    public ChangeJob(String id, JobAction action, ActorRef<Reply<JobView>> replyTo) {
      this(id, action, Origin.OPERATOR, replyTo);
    }
  }

  /** What {@link ChangeJob} does. */
  public enum JobAction { PAUSE, RESUME, STOP }

  /** Who asked for a {@link ChangeJob}: an operator of this service, or the cluster it is a node of. */
  public enum Origin { OPERATOR, CLUSTER }

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

  /** A job's status changed; a job that reports itself gone is forgotten. */
  record JobChanged(String id, ActorRef<Job.Command> job, Job.Status status) implements Command {}

  /** A job has started, or could not: the answer to its submission. */
  record Prepared(String id, Reply<JobView> outcome) implements Command {}

  private record Loaded(List<JobFiles.SavedJob> jobs, Throwable failure) implements Command {}

  private record Read(Submission submission, JobDefinition definition, Throwable failure) implements Command {}

  private record JobStopped(String id, ActorRef<Job.Command> job) implements Command {}

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
   * @param events hears what operators do to jobs here, and which jobs finish
   */
  public record Dependencies(JobLauncher launcher, MeterRegistry registry, HostMetrics hostMetrics,
      AdminSettings settings, JobFiles files, Function<CrawlJob, Behavior<CrawlSupervisor.Command>> supervisors,
      Clock clock, JobEvents events) {
    /** A service whose job events nobody hears (not a node of a cluster). */
    public Dependencies(JobLauncher launcher, MeterRegistry registry, HostMetrics hostMetrics, AdminSettings settings,
        JobFiles files, Function<CrawlJob, Behavior<CrawlSupervisor.Command>> supervisors, Clock clock) {
      this(launcher, registry, hostMetrics, settings, files, supervisors, clock, JobEvents.none());
    }
  }

  /** A job to read and open: from the API (with someone to answer) or restored from a saved file at start. */
  private record Submission(JobBody body, Optional<ActorRef<Reply<JobView>>> replyTo, boolean startPaused,
      Optional<JobFiles.SavedJob> restored) {}

  /** A job: its actor, and what it last said of itself. */
  private record Entry(ActorRef<Job.Command> job, Job.Status status) {
    boolean active() {
      return status.state().map(JobState::active).orElse(false);
    }
  }

  private final Dependencies dependencies;
  private final Executor blockingIo;
  private final Path jobsDirectory;
  private final Map<String, Entry> jobs = new HashMap<>();
  private final Set<String> restoring = new HashSet<>();
  private final Deque<Submission> submissions = new ArrayDeque<>();
  private Optional<Submission> current = Optional.empty();
  private long spawned;

  private JobManager(ActorContext<Command> context, Dependencies dependencies) {
    super(context);
    this.dependencies = dependencies;
    this.blockingIo = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
    this.jobsDirectory = dependencies.files().directory().toAbsolutePath().normalize();
  }

  /** The manager; it restores the saved jobs first and is {@link Readiness#READY} once they have started. */
  public static Behavior<Command> create(Dependencies dependencies) {
    return Behaviors.setup(context -> new JobManager(context, dependencies).new Starting(context));
  }

  // ------------------------------------------------------------------------------------------------ serving

  @Override
  public Receive<Command> createReceive() {
    return answers(newReceiveBuilder())
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(Join.class, this::onJoin)
        .onMessage(Read.class, this::onRead)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(JobChanged.class, this::onJobChanged)
        .onMessage(GetReadiness.class, this::onGetReadiness)
        .onMessage(Shutdown.class, this::onShutdown)
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    queue(submit);
    nextSubmission();
    return this;
  }

  private Behavior<Command> onJoin(Join join) {
    if (queue(join)) {
      nextSubmission();
    }
    return this;
  }

  private void queue(Submit submit) {
    submissions.add(new Submission(new JobBody(submit.body(), submit.syntax(), Optional.empty()),
        Optional.of(submit.replyTo()), false, Optional.empty()));
  }

  /** Queues {@code join} unless a job of its name is active here. */
  private boolean queue(Join join) {
    if (Optional.ofNullable(jobs.get(join.name())).map(Entry::active).orElse(false)) {
      join.replyTo().tell(joinRefused(join));
      return false;
    }
    submissions.add(new Submission(new JobBody(join.body(), join.syntax(), Optional.of(join.name())),
        Optional.of(join.replyTo()), false, Optional.empty()));
    return true;
  }

  private static Reply<JobView> joinRefused(Join join) {
    return Reply.refused(Reply.Problem.CONFLICT, "job " + join.name() + " is active here or the service is "
        + "stopping");
  }

  private void nextSubmission() {
    if (current.isPresent() || submissions.isEmpty()) {
      return;
    }
    Submission submission = submissions.poll();
    current = Optional.of(submission);
    Set<String> taken = new HashSet<>(jobs.keySet());
    taken.addAll(restoring);
    JobLauncher launcher = dependencies.launcher();
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return launcher.read(submission.body(), taken::contains);
      } catch (JobRejected rejected) {
        throw new CompletionException(rejected);
      }
    }, blockingIo), (definition, failure) -> new Read(submission, definition, Job.unwrap(failure)));
  }

  private Behavior<Command> onRead(Read read) {
    Submission submission = read.submission();
    if (read.failure() != null) {
      refuse(submission, read.failure());
      return submissionDone();
    }
    JobDefinition definition = read.definition();
    Optional<Reply.Refused<JobView>> conflict = conflict(definition);
    if (conflict.isPresent()) {
      submission.restored().ifPresent(saved -> failRestore(saved, conflict.get().message()));
      answer(submission, conflict.get());
      return submissionDone();
    }
    Job.Start start = new Job.Start(definition, submission.body(), submission.startPaused(), submission.restored(),
        getContext().getSelf().narrow());
    Entry existing = jobs.get(definition.name());
    if (existing != null) { // an ended job, run again
      existing.job().tell(start);
    } else {
      spawn(definition.name(), environment -> Job.preparing(environment, start), new Job.Status(Optional.empty(),
          Optional.of(Job.Claim.of(definition)), false));
    }
    return this; // the job answers with Prepared
  }

  /** Why {@code definition} cannot start now, if it cannot. */
  private Optional<Reply.Refused<JobView>> conflict(JobDefinition definition) {
    String id = definition.name();
    Entry existing = jobs.get(id);
    if (existing != null && existing.status().claim().isPresent()) {
      return Optional.of(new Reply.Refused<>(Reply.Problem.CONFLICT, "job " + id + " is " + (existing.active()
          ? existing.status().state().get().wireName() + "; stop it first, or submit the job under another "
          + "spindle.job.name" : "closing its store; try again in a moment")));
    }
    Job.Claim claim = Job.Claim.of(definition);
    if (claim.store().isPresent() && claim.store().get().equals(jobsDirectory)) {
      return Optional.of(new Reply.Refused<>(Reply.Problem.BAD_REQUEST, "spindle.store.dir: "
          + definition.storeDirectory().get() + " is the service's jobs directory (spindle.admin.jobs-dir); give the "
          + "job another name or another spindle.store.dir"));
    }
    for (Map.Entry<String, Entry> other : jobs.entrySet()) {
      Optional<Job.Claim> held = other.getValue().status().claim();
      if (held.isEmpty() || other.getKey().equals(id)) {
        continue;
      }
      String state = other.getValue().status().state().map(JobState::wireName).orElse("starting");
      if (held.get().output().equals(claim.output())) {
        return Optional.of(new Reply.Refused<>(Reply.Problem.CONFLICT, "spindle.output.path: " + definition.output()
            + " is the output of job " + other.getKey() + ", which is " + state));
      }
      if (claim.store().isPresent() && held.get().store().equals(claim.store())) {
        return Optional.of(new Reply.Refused<>(Reply.Problem.CONFLICT, "spindle.store.dir: "
            + definition.storeDirectory().get() + " is the store of job " + other.getKey() + ", which is " + state));
      }
    }
    return Optional.empty();
  }

  private void refuse(Submission submission, Throwable failure) {
    if (failure instanceof JobRejected rejected) {
      getContext().getLog().info("job rejected: {}", rejected.getMessage());
    } else {
      getContext().getLog().error("could not start a job", failure);
    }
    submission.restored().ifPresent(saved -> failRestore(saved, Job.restoreFailure(failure)));
    answer(submission, Job.refusal(failure));
  }

  /** A saved job could not start again: it is listed (and saved) as failed, unless a job of its id is busy. */
  private void failRestore(JobFiles.SavedJob saved, String message) {
    Entry existing = jobs.get(saved.id());
    if (existing != null && existing.status().claim().isPresent()) {
      return;
    }
    if (existing != null) {
      getContext().stop(existing.job());
    }
    EndedRun failed = EndedRun.fromSaved(saved, JobState.FAILED, Optional.of("could not start again after the "
        + "service restarted: " + message), dependencies.clock().instant());
    spawn(saved.id(), environment -> Job.ended(environment, failed, true), new Job.Status(Optional.of(JobState.FAILED),
        Optional.empty(), true));
  }

  private Behavior<Command> onPrepared(Prepared prepared) {
    current.ifPresent(submission -> answer(submission, prepared.outcome()));
    return submissionDone();
  }

  private Behavior<Command> submissionDone() {
    boolean restored = current.flatMap(Submission::restored).map(saved -> restoring.remove(saved.id()))
        .orElse(false);
    current = Optional.empty();
    if (restored && restoring.isEmpty()) {
      getContext().getLog().info("service ready: jobs={}", listed());
    }
    nextSubmission();
    return this;
  }

  private static void answer(Submission submission, Reply<JobView> reply) {
    submission.replyTo().ifPresent(replyTo -> replyTo.tell(reply));
  }

  private Behavior<Command> onGetReadiness(GetReadiness get) {
    get.replyTo().tell(restoring.isEmpty() ? Readiness.READY : Readiness.STARTING);
    return this;
  }

  private Behavior<Command> onShutdown(Shutdown shutdown) {
    return new Stopping(getContext(), shutdown);
  }

  // ------------------------------------------------------------------------------------------------ every state

  /** The handlers every state of the manager has: questions go to the job (404 without one), listings to all. */
  private ReceiveBuilder<Command> answers(ReceiveBuilder<Command> builder) {
    return builder
        .onMessage(ListJobs.class, this::onListJobs)
        .onMessage(GetJob.class, this::onGetJob)
        .onMessage(ChangeJob.class, this::onChangeJob)
        .onMessage(AddSeeds.class, this::onAddSeeds)
        .onMessage(Lookup.class, this::onLookup)
        .onMessage(GetSeries.class, this::onGetSeries)
        .onMessage(JobStopped.class, this::onJobStopped);
  }

  private Behavior<Command> onGetJob(GetJob get) {
    return forward(get.id(), get.replyTo(), new Job.Get(get.replyTo()));
  }

  private Behavior<Command> onChangeJob(ChangeJob change) {
    return forward(change.id(), change.replyTo(), new Job.Change(change.action(), change.origin(),
        change.replyTo()));
  }

  private Behavior<Command> onAddSeeds(AddSeeds add) {
    return forward(add.id(), add.replyTo(), new Job.AddSeeds(add.urls(), add.replyTo()));
  }

  private Behavior<Command> onLookup(Lookup lookup) {
    return forward(lookup.id(), lookup.replyTo(), new Job.Lookup(lookup.replyTo()));
  }

  private Behavior<Command> onGetSeries(GetSeries get) {
    return forward(get.id(), get.replyTo(), new Job.GetSeries(get.replyTo()));
  }

  private <T> Behavior<Command> forward(String id, ActorRef<Reply<T>> replyTo, Job.Command command) {
    Entry entry = jobs.get(id);
    if (entry == null) {
      replyTo.tell(Reply.refused(Reply.Problem.NOT_FOUND, "no job " + id));
    } else {
      entry.job().tell(command);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onListJobs(ListJobs list) {
    getContext().spawnAnonymous(JobListing.create(jobs.values().stream().map(Entry::job).toList(), list.replyTo(),
        dependencies.settings().askTimeout().dividedBy(2)));
    return Behaviors.same();
  }

  private Behavior<Command> onJobChanged(JobChanged changed) {
    Entry entry = jobs.get(changed.id());
    if (entry != null && entry.job().equals(changed.job())) {
      if (changed.status().gone()) {
        jobs.remove(changed.id());
      } else {
        jobs.put(changed.id(), new Entry(changed.job(), changed.status()));
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onJobStopped(JobStopped stopped) {
    Entry entry = jobs.get(stopped.id());
    if (entry != null && entry.job().equals(stopped.job())) { // not gone by itself: a bug, logged by Pekko
      getContext().getLog().error("job={} stopped unexpectedly; it is no longer listed", stopped.id());
      jobs.remove(stopped.id());
    }
    return Behaviors.same();
  }

  private void spawn(String id, Function<Job.Environment, Behavior<Job.Command>> behavior, Job.Status status) {
    Job.Environment environment = new Job.Environment(id, dependencies, getContext().getSelf(), blockingIo,
        new Job.Saves(dependencies.files(), blockingIo));
    // a bug stops the job (a restart would lose its state and open its store again); the manager forgets it
    ActorRef<Job.Command> job = getContext().spawn(Behaviors.supervise(behavior.apply(environment))
        .onFailure(SupervisorStrategy.stop()), "job-" + id + "-" + ++spawned);
    getContext().watchWith(job, new JobStopped(id, job));
    jobs.put(id, new Entry(job, status));
  }

  private long listed() {
    return jobs.values().stream().filter(entry -> entry.status().state().isPresent()).count();
  }

  /** Takes the saved jobs: those to start again are queued first (unless {@code restart} is off), the rest listed. */
  private void load(Loaded loaded, boolean restart) {
    if (loaded.failure() != null) {
      getContext().getLog().error("could not read the saved jobs in {}; starting without them", jobsDirectory,
          loaded.failure());
    } else {
      List<Submission> restores = new ArrayList<>();
      for (JobFiles.SavedJob saved : loaded.jobs()) {
        if (saved.restart() && restart) {
          restoring.add(saved.id());
          restores.add(new Submission(new JobBody(saved.body(), saved.syntax(), Optional.of(saved.id())),
              Optional.empty(), saved.paused(), Optional.of(saved)));
        } else {
          EndedRun ended = EndedRun.fromSaved(saved, saved.state().active() ? JobState.STOPPED : saved.state(),
              saved.error(), saved.ended().orElse(saved.started()));
          spawn(saved.id(), environment -> Job.ended(environment, ended, false),
              new Job.Status(Optional.of(ended.state()), Optional.empty(), false));
        }
      }
      for (int i = restores.size() - 1; i >= 0; i--) {
        submissions.addFirst(restores.get(i)); // before any submission that arrived while the files were read
      }
      getContext().getLog().info("saved jobs read dir={} restarting={} ended={}", jobsDirectory, restoring.size(),
          jobs.size());
    }
    if (restoring.isEmpty()) {
      getContext().getLog().info("service ready: jobs={}", listed());
    }
  }

  // ------------------------------------------------------------------------------------------------ starting

  /** Reading the saved jobs: submissions wait in the queue, behind the jobs to restore. */
  private final class Starting extends AbstractBehavior<Command> {
    Starting(ActorContext<Command> context) {
      super(context);
      JobFiles files = dependencies.files();
      context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
        try {
          return files.load();
        } catch (IOException unreadable) {
          throw new CompletionException(unreadable);
        }
      }, blockingIo), Loaded::new);
    }

    @Override
    public Receive<Command> createReceive() {
      return answers(newReceiveBuilder())
          .onMessage(Submit.class, this::onSubmit)
          .onMessage(Join.class, this::onJoin)
          .onMessage(Loaded.class, this::onLoaded)
          .onMessage(JobChanged.class, JobManager.this::onJobChanged)
          .onMessage(GetReadiness.class, this::onGetReadiness)
          .onMessage(Shutdown.class, this::onShutdown)
          .build();
    }

    private Behavior<Command> onSubmit(Submit submit) {
      queue(submit);
      return this;
    }

    private Behavior<Command> onJoin(Join join) {
      queue(join);
      return this;
    }

    private Behavior<Command> onLoaded(Loaded loaded) {
      load(loaded, true);
      nextSubmission();
      return JobManager.this;
    }

    private Behavior<Command> onGetReadiness(GetReadiness get) {
      get.replyTo().tell(Readiness.STARTING);
      return this;
    }

    private Behavior<Command> onShutdown(Shutdown shutdown) {
      return new Stopping(getContext(), shutdown);
    }
  }

  // ------------------------------------------------------------------------------------------------ stopping

  /**
   * Stopping: every job stops gracefully (and is saved to start again with the service), new jobs are refused, and
   * each {@link Shutdown} is answered once no job holds a store or has a file left to write.
   */
  private final class Stopping extends AbstractBehavior<Command> {
    private final List<ActorRef<Done>> waiters = new ArrayList<>();

    Stopping(ActorContext<Command> context, Shutdown shutdown) {
      super(context);
      waiters.add(shutdown.replyTo());
      context.getLog().info("service stopping: draining {} running jobs",
          jobs.values().stream().filter(Entry::active).count());
      submissions.forEach(queued -> answer(queued, stopping()));
      submissions.clear();
      jobs.values().forEach(entry -> entry.job().tell(Job.Shutdown.INSTANCE));
      answerWhenDrained();
    }

    @Override
    public Receive<Command> createReceive() {
      return answers(newReceiveBuilder())
          .onMessage(Submit.class, this::onSubmit)
          .onMessage(Join.class, this::onJoin)
          .onMessage(Read.class, this::onRead)
          .onMessage(Prepared.class, this::onPrepared)
          .onMessage(JobChanged.class, this::onJobChanged)
          .onMessage(Loaded.class, this::onLoaded)
          .onMessage(GetReadiness.class, this::onGetReadiness)
          .onMessage(Shutdown.class, this::onShutdown)
          .build();
    }

    private static Reply<JobView> stopping() {
      return Reply.refused(Reply.Problem.UNAVAILABLE, "the service is stopping");
    }

    private Behavior<Command> onSubmit(Submit submit) {
      submit.replyTo().tell(stopping());
      return this;
    }

    private Behavior<Command> onJoin(Join join) {
      join.replyTo().tell(joinRefused(join));
      return this;
    }

    private Behavior<Command> onRead(Read read) {
      if (read.failure() != null) {
        refuse(read.submission(), read.failure());
      } else {
        answer(read.submission(), stopping());
      }
      current = Optional.empty();
      return answerWhenDrained();
    }

    private Behavior<Command> onPrepared(Prepared prepared) {
      current.ifPresent(submission -> answer(submission, prepared.outcome()));
      current = Optional.empty();
      return answerWhenDrained();
    }

    private Behavior<Command> onJobChanged(JobChanged changed) {
      JobManager.this.onJobChanged(changed);
      return answerWhenDrained();
    }

    private Behavior<Command> onLoaded(Loaded loaded) {
      load(loaded, false);
      return answerWhenDrained();
    }

    private Behavior<Command> onGetReadiness(GetReadiness get) {
      get.replyTo().tell(Readiness.STOPPING);
      return this;
    }

    private Behavior<Command> onShutdown(Shutdown shutdown) {
      waiters.add(shutdown.replyTo());
      return answerWhenDrained();
    }

    private Behavior<Command> answerWhenDrained() {
      boolean drained = current.isEmpty() && jobs.values().stream()
          .noneMatch(entry -> entry.status().claim().isPresent() || entry.status().saving());
      if (drained && !waiters.isEmpty()) {
        getContext().getLog().info("service stopped: every job drained and closed");
        waiters.forEach(waiter -> waiter.tell(Done.getInstance()));
        waiters.clear();
      }
      return this;
    }
  }
}
