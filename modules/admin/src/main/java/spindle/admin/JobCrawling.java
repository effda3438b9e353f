package spindle.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.core.CrawlUrl;
import spindle.engine.CrawlSummary;
import spindle.engine.jobs.JobEvent;
import spindle.engine.CrawlSupervisor;
import spindle.engine.Seeds;

/**
 * The states of a job whose crawl is going on: {@link Running}, {@link Paused} and {@link Stopping}. Each keeps the
 * run and its progress series; when the crawl ends (or its supervisor stops without ending it, a bug) the job
 * closes its store ({@link JobClosing}).
 */
abstract class JobCrawling extends JobBehavior {
  /** The run being crawled. */
  final LiveRun live;
  /** Its progress. */
  final ProgressSeries progress;

  JobCrawling(ActorContext<Job.Command> context, Job.Environment environment, LiveRun live, ProgressSeries progress) {
    super(context, environment);
    this.live = live;
    this.progress = progress;
  }

  /** The state this behaviour is. */
  abstract JobState state();

  /** Whether the job's file says an operator paused it. */
  abstract boolean pausedInFile();

  /** Whether the job starts again with the service, should the service stop now. */
  abstract boolean restart();

  /** Pause, resume or stop, as this state allows. */
  abstract Behavior<Job.Command> onChange(Job.Change change);

  /** Seeds: to the crawl, or refused. */
  abstract Behavior<Job.Command> onAddSeeds(Job.AddSeeds add);

  /** The service is stopping. */
  abstract Behavior<Job.Command> onShutdown();

  @Override
  public Receive<Job.Command> createReceive() {
    return questions()
        .onMessage(Job.Change.class, this::onChange)
        .onMessage(Job.AddSeeds.class, this::onAddSeeds)
        .onMessageEquals(Job.Shutdown.INSTANCE, this::onShutdown)
        .onMessage(Job.ProgressReport.class, this::onProgressReport)
        .onMessage(Job.CrawlEnded.class, this::onCrawlEnded)
        .onMessage(Job.SupervisorStopped.class, this::onSupervisorStopped)
        .onMessage(Job.Start.class, this::onStartWhileBusy)
        .build();
  }

  @Override
  Optional<JobView> view() {
    return Optional.of(live.view(id(), state(), progress, environment.now()));
  }

  @Override
  List<Sample> samples() {
    return progress.samples();
  }

  @Override
  Optional<ActorRef<CrawlSupervisor.Command>> crawl() {
    return Optional.of(live.supervisor());
  }

  @Override
  Job.Status status() {
    return new Job.Status(Optional.of(state()), Optional.of(live.claim()), environment.saves().pending());
  }

  /** Saves the job in this state. */
  final void saveState() {
    save(live.saved(id(), state(), pausedInFile(), restart(), progress));
  }

  /** Replies with the job in this state. */
  final Behavior<Job.Command> answer(Job.Change change) {
    change.replyTo().tell(Reply.ok(view().orElseThrow()));
    return this;
  }

  /** Becomes {@code next}, which is saved and reported, and answers {@code change} with it. */
  final Behavior<Job.Command> become(JobCrawling next, Job.Change change) {
    next.saveState();
    next.report();
    return next.answer(change);
  }

  /**
   * Pauses or resumes the crawl ({@code command}), logs it as {@code done}, tells the cluster of an operator's change
   * ({@code event}), and becomes {@code next}.
   */
  final Behavior<Job.Command> turn(Job.Change change, CrawlSupervisor.Command command, String done, JobEvent event,
      JobCrawling next) {
    live.supervisor().tell(command);
    getContext().getLog().info("job {} job={}", done, id());
    if (change.byOperator()) {
      environment.dependencies().events().publish(event);
    }
    return become(next, change);
  }

  /** Hands the seeds to the crawl, canonicalised; 400 naming the first that is not an absolute http(s) URL. */
  final Behavior<Job.Command> addSeeds(Job.AddSeeds add) {
    List<CrawlUrl> seeds = new ArrayList<>();
    for (String url : add.urls()) {
      Optional<CrawlUrl> seed = Seeds.seed(url, live.normalizer());
      if (seed.isEmpty()) {
        add.replyTo().tell(Reply.refused(Reply.Problem.BAD_REQUEST, "seeds: \"" + url
            + "\" is not an absolute http(s) URL"));
        return this;
      }
      seeds.add(seed.get());
    }
    live.supervisor().tell(new CrawlSupervisor.AddSeeds(seeds));
    getContext().getLog().info("seeds added job={} seeds={}", id(), seeds.size());
    add.replyTo().tell(Reply.ok(seeds.size()));
    return this;
  }

  /** Tells the crawl to stop: the job drains, and starts again with the service when {@code restart}. */
  final Stopping stop(boolean restart) {
    live.supervisor().tell(CrawlSupervisor.Stop.INSTANCE);
    return new Stopping(getContext(), environment, live, progress, restart, state() == JobState.PAUSED);
  }

  private Behavior<Job.Command> onProgressReport(Job.ProgressReport report) {
    if (report.run() == live.number()) {
      progress.record(report.progress(), environment.now());
    }
    return this;
  }

  private Behavior<Job.Command> onCrawlEnded(Job.CrawlEnded ended) {
    if (ended.run() != live.number()) {
      return this;
    }
    if (ended.summary() == null) {
      getContext().getLog().error("job failed job={}: its crawl's result failed", id(), ended.failure());
      return failed("the crawl failed: " + Job.unwrap(ended.failure()) + " (see the service's log)");
    }
    CrawlSummary summary = ended.summary();
    JobState state = summary.failure().isPresent() ? JobState.FAILED
        : summary.stopped() ? JobState.STOPPED : JobState.FINISHED;
    if (state == JobState.FINISHED) {
      environment.dependencies().events().publish(new JobEvent.Finished(id()));
    }
    getContext().getLog().info("job ended job={} state={} fetched={} failed={} queued={} seconds={}", id(),
        state.wireName(), summary.counts().fetched(), summary.counts().failed(), summary.counts().queued(),
        summary.elapsed().toSeconds());
    // only a job interrupted by a shutdown goes on when the service starts again
    return JobClosing.close(this, new EndedRun(id(), live.body(), state, live.started(), environment.now(),
        JobCounts.of(summary.counts(), 0), live.output(), live.store(), summary.failure(),
        restart() && state == JobState.STOPPED, progress.samples(), live.warc()));
  }

  private Behavior<Job.Command> onSupervisorStopped(Job.SupervisorStopped stopped) {
    if (stopped.run() != live.number()) {
      return this;
    }
    getContext().getLog().error("job failed job={}: its crawl supervisor stopped without a summary", id());
    return failed("the crawl stopped unexpectedly (an internal error; see the service's log)");
  }

  private Behavior<Job.Command> failed(String error) {
    return JobClosing.close(this, new EndedRun(id(), live.body(), JobState.FAILED, live.started(), environment.now(),
        live.counts(progress.inFlight()), live.output(), live.store(), Optional.of(error), false,
        progress.samples(), live.warc()));
  }

  /** Crawling: pause and stop change it, seeds go to the crawl, a shutdown stops it to start again later. */
  static final class Running extends JobCrawling {
    Running(ActorContext<Job.Command> context, Job.Environment environment, LiveRun live, ProgressSeries progress) {
      super(context, environment, live, progress);
    }

    @Override
    JobState state() {
      return JobState.RUNNING;
    }

    @Override
    boolean pausedInFile() {
      return false;
    }

    @Override
    boolean restart() {
      return true;
    }

    @Override
    Behavior<Job.Command> onChange(Job.Change change) {
      return switch (change.action()) {
        case PAUSE -> turn(change, CrawlSupervisor.Pause.INSTANCE, "paused", new JobEvent.Paused(id()),
            new Paused(getContext(), environment, live, progress));
        case RESUME -> answer(change);
        case STOP -> stoppedByRequest(this, change);
      };
    }

    @Override
    Behavior<Job.Command> onAddSeeds(Job.AddSeeds add) {
      return addSeeds(add);
    }

    @Override
    Behavior<Job.Command> onShutdown() {
      return stoppedByShutdown(this);
    }
  }

  /** Paused by an operator: no request starts; resume and stop change it, seeds are queued for later. */
  static final class Paused extends JobCrawling {
    Paused(ActorContext<Job.Command> context, Job.Environment environment, LiveRun live, ProgressSeries progress) {
      super(context, environment, live, progress);
    }

    @Override
    JobState state() {
      return JobState.PAUSED;
    }

    @Override
    boolean pausedInFile() {
      return true;
    }

    @Override
    boolean restart() {
      return true;
    }

    @Override
    Behavior<Job.Command> onChange(Job.Change change) {
      return switch (change.action()) {
        case PAUSE -> answer(change);
        case RESUME -> turn(change, CrawlSupervisor.Resume.INSTANCE, "resumed", new JobEvent.Resumed(id()),
            new Running(getContext(), environment, live, progress));
        case STOP -> stoppedByRequest(this, change);
      };
    }

    @Override
    Behavior<Job.Command> onAddSeeds(Job.AddSeeds add) {
      return addSeeds(add);
    }

    @Override
    Behavior<Job.Command> onShutdown() {
      return stoppedByShutdown(this);
    }
  }

  /**
   * An operator's stop, here or on another node of the cluster: the job drains and stays stopped across a restart of
   * the service.
   */
  private static Behavior<Job.Command> stoppedByRequest(JobCrawling state, Job.Change change) {
    Stopping next = state.stop(false);
    state.getContext().getLog().info("job stopping job={}", state.id());
    if (change.byOperator()) {
      state.environment.dependencies().events().publish(new JobEvent.Stopped(state.id()));
    }
    return state.become(next, change);
  }

  /** The service's shutdown: the job drains and starts again with the service. */
  private static Behavior<Job.Command> stoppedByShutdown(JobCrawling state) {
    Stopping next = state.stop(true);
    next.saveState();
    next.report();
    return next;
  }

  /**
   * Draining after a stop: requests in flight finish, then the crawl ends. Pause and resume are refused, a second
   * stop changes nothing, and so does the shutdown (an operator's stop stays one).
   */
  static final class Stopping extends JobCrawling {
    private final boolean restart;
    private final boolean pausedWhenStopped;

    Stopping(ActorContext<Job.Command> context, Job.Environment environment, LiveRun live, ProgressSeries progress,
        boolean restart, boolean pausedWhenStopped) {
      super(context, environment, live, progress);
      this.restart = restart;
      this.pausedWhenStopped = pausedWhenStopped;
    }

    @Override
    JobState state() {
      return JobState.STOPPING;
    }

    @Override
    boolean pausedInFile() {
      return pausedWhenStopped;
    }

    @Override
    boolean restart() {
      return restart;
    }

    @Override
    Behavior<Job.Command> onChange(Job.Change change) {
      if (change.action() == JobManager.JobAction.STOP) {
        return answer(change);
      }
      change.replyTo().tell(Reply.refused(Reply.Problem.CONFLICT, "job " + id() + " is stopping"));
      return this;
    }

    @Override
    Behavior<Job.Command> onAddSeeds(Job.AddSeeds add) {
      add.replyTo().tell(seedsRefused(JobState.STOPPING));
      return this;
    }

    @Override
    Behavior<Job.Command> onShutdown() {
      return this;
    }
  }
}
