package spindle.admin;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSummary;
import spindle.engine.CrawlSupervisor;

/**
 * A job whose store and output are being opened (on the blocking-io dispatcher). Once open, its crawl starts and the
 * job runs (or is paused, when it was paused before the service restarted). When the store cannot be opened, a new job
 * is gone, a job run again is back to its previous run, and a restored job has failed. A shutdown meanwhile makes it
 * {@link Cancelled}. Questions are answered from the previous run, or with 404 for a new job.
 */
final class JobPreparing extends JobOpening {
  JobPreparing(ActorContext<Job.Command> context, Job.Environment environment, long run, Job.Start start,
      Optional<EndedRun> previous) {
    super(context, environment, run, start, previous);
    JobDefinition definition = start.definition();
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return definition.open();
      } catch (JobRejected rejected) {
        throw new CompletionException(rejected);
      }
    }, environment.blockingIo()), (prepared, failure) -> new Job.Opened(prepared, Job.unwrap(failure)));
  }

  @Override
  public Receive<Job.Command> createReceive() {
    return withoutCrawl()
        .onMessage(Job.Opened.class, this::onOpened)
        .onMessageEquals(Job.Shutdown.INSTANCE, this::onShutdown)
        .onMessage(Job.Start.class, this::onStartWhileBusy)
        .build();
  }

  private Behavior<Job.Command> onOpened(Job.Opened opened) {
    if (opened.failure() != null) {
      return openFailed(this, run, start, previous, opened.failure());
    }
    return crawl(opened.prepared());
  }

  private Behavior<Job.Command> onShutdown() {
    JobBehavior cancelled = new Cancelled(getContext(), environment, run, start, previous);
    cancelled.report();
    return cancelled;
  }

  /** Starts the crawl of the open job: it runs, or is paused when it was paused before the service restarted. */
  private Behavior<Job.Command> crawl(PreparedJob prepared) {
    ActorRef<Job.Command> self = getContext().getSelf();
    long number = run;
    CompletableFuture<CrawlSummary> result = new CompletableFuture<>();
    JobManager.Dependencies dependencies = environment.dependencies();
    CrawlJob crawl = prepared.crawlJob(dependencies.registry(),
        progress -> self.tell(new Job.ProgressReport(number, progress)), result);
    ActorRef<CrawlSupervisor.Command> supervisor = getContext().spawn(dependencies.supervisors().apply(crawl),
        "crawl-" + run);
    getContext().watchWith(supervisor, new Job.SupervisorStopped(run));
    getContext().pipeToSelf(result, (summary, failure) -> new Job.CrawlEnded(number, summary, failure));
    dependencies.hostMetrics().register(id(), prepared.frontier());
    LiveRun live = LiveRun.of(run, start.body(), environment.now(), start.definition(), prepared, supervisor);
    JobCrawling next;
    if (start.paused()) {
      supervisor.tell(CrawlSupervisor.Pause.INSTANCE);
      next = new JobCrawling.Paused(getContext(), environment, live, new ProgressSeries());
    } else {
      next = new JobCrawling.Running(getContext(), environment, live, new ProgressSeries());
    }
    getContext().getLog().info("job started job={} output={} store={} restored={}{}", id(), live.output(),
        live.store(), start.restored().isPresent(), prepared.resumeNote().map(note -> " (" + note + ")").orElse(""));
    next.saveState();
    next.report();
    start.replyTo().tell(new JobManager.Prepared(id(), Reply.ok(next.view().orElseThrow())));
    return next;
  }

  /**
   * The store of {@code start} (run {@code run}) could not be opened: the refusal goes to the manager; a restored job
   * has failed (and is saved so), a job run again is back to its {@code previous} run, and a new job is gone.
   */
  static Behavior<Job.Command> openFailed(JobBehavior state, long run, Job.Start start, Optional<EndedRun> previous,
      Throwable failure) {
    ActorContext<Job.Command> context = state.getContext();
    Job.Environment environment = state.environment;
    if (failure instanceof JobRejected rejected) {
      context.getLog().info("job rejected job={}: {}", state.id(), rejected.getMessage());
    } else {
      context.getLog().error("could not start a job", failure);
    }
    Optional<JobEnded> next = Optional.empty();
    if (start.restored().isPresent()) {
      EndedRun failed = EndedRun.fromSaved(start.restored().get(), JobState.FAILED, Optional.of("could not start "
          + "again after the service restarted: " + Job.restoreFailure(failure)), environment.now());
      next = Optional.of(new JobEnded(context, environment, failed, run));
      next.get().save(failed.saved());
    } else if (previous.isPresent()) {
      next = Optional.of(new JobEnded(context, environment, previous.get(), run));
    }
    Behavior<Job.Command> behavior = endedOrGone(state, next);
    start.replyTo().tell(new JobManager.Prepared(state.id(), Job.refusal(failure)));
    return behavior;
  }

  /** Reports {@code next} and becomes it; without one, reports the job gone and stops (nothing is left open). */
  static Behavior<Job.Command> endedOrGone(JobBehavior state, Optional<JobEnded> next) {
    if (next.isEmpty()) {
      state.reportGone();
      return Behaviors.stopped();
    }
    next.get().report();
    return next.get();
  }

  /**
   * A job whose store was being opened when the service began to stop: once open, the store is closed again and the
   * submission refused with 503; the job then returns to its previous run, or is gone.
   */
  static final class Cancelled extends JobOpening {
    Cancelled(ActorContext<Job.Command> context, Job.Environment environment, long run, Job.Start start,
        Optional<EndedRun> previous) {
      super(context, environment, run, start, previous);
    }

    @Override
    public Receive<Job.Command> createReceive() {
      return withoutCrawl()
          .onMessage(Job.Opened.class, this::onOpened)
          .onMessage(Job.Discarded.class, this::onDiscarded)
          .onMessageEquals(Job.Shutdown.INSTANCE, () -> this)
          .onMessage(Job.Start.class, this::onStartWhileBusy)
          .build();
    }

    private Behavior<Job.Command> onOpened(Job.Opened opened) {
      if (opened.failure() != null) {
        return openFailed(this, run, start, previous, opened.failure());
      }
      PreparedJob prepared = opened.prepared();
      getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
        try {
          prepared.close();
        } catch (IOException failed) {
          throw new CompletionException(failed);
        }
      }, environment.blockingIo()), (ignored, failure) -> new Job.Discarded(Job.unwrap(failure)));
      start.replyTo().tell(new JobManager.Prepared(id(), Reply.refused(Reply.Problem.UNAVAILABLE,
          "the service is stopping")));
      return this;
    }

    private Behavior<Job.Command> onDiscarded(Job.Discarded discarded) {
      if (discarded.failure() != null) { // nothing more to do: the service is stopping
        getContext().getLog().warn("could not close job={}: {}", id(), discarded.failure().toString());
      }
      return endedOrGone(this, previous.map(ended -> new JobEnded(getContext(), environment, ended, run)));
    }
  }
}
