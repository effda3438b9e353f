package spindle.admin;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import spindle.engine.jobs.JobControl;
import spindle.engine.jobs.JobSnapshot;

/**
 * The service's jobs as the parts around it see them ({@link JobControl}): questions to the {@link JobManager}, whose
 * answers are turned into the engine's terms. Changes are made as the cluster's ({@link JobManager.Origin#CLUSTER}),
 * so they publish no job event.
 */
final class ServiceJobs implements JobControl {
  /** A join opens the job's store before it answers: longer than the API's questions may take. */
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> manager;
  private final Duration timeout;

  /** The jobs of {@code manager}; questions other than a join wait {@code timeout} for its answer. */
  ServiceJobs(ActorSystem<?> system, ActorRef<JobManager.Command> manager, Duration timeout) {
    this.system = system;
    this.manager = manager;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<List<JobSnapshot>> jobs() {
    return AskPattern.<JobManager.Command, List<JobView>>ask(manager, JobManager.ListJobs::new, timeout,
        system.scheduler()).thenApply(views -> views.stream().map(ServiceJobs::snapshot).toList());
  }

  @Override
  public CompletionStage<Outcome> join(String name, String body, String syntax) {
    BodySyntax read;
    try {
      read = BodySyntax.valueOf(syntax);
    } catch (IllegalArgumentException unknown) {
      return CompletableFuture.completedFuture(
          new Outcome.Refused("job " + name + " is written in an unknown syntax: " + syntax));
    }
    return ask(replyTo -> new JobManager.Join(name, body, read, replyTo), JOIN_TIMEOUT);
  }

  @Override
  public CompletionStage<Outcome> change(String name, Change change) {
    JobManager.JobAction action = switch (change) {
      case PAUSE -> JobManager.JobAction.PAUSE;
      case RESUME -> JobManager.JobAction.RESUME;
      case STOP -> JobManager.JobAction.STOP;
    };
    return ask(replyTo -> new JobManager.ChangeJob(name, action, JobManager.Origin.CLUSTER, replyTo), timeout);
  }

  private CompletionStage<Outcome> ask(Function<ActorRef<Reply<JobView>>, JobManager.Command> request,
      Duration wait) {
    return AskPattern.<JobManager.Command, Reply<JobView>>ask(manager, request::apply, wait, system.scheduler())
        .thenApply(reply -> reply instanceof Reply.Ok<JobView> ok ? new Outcome.Done(snapshot(ok.value()))
            : new Outcome.Refused(((Reply.Refused<JobView>) reply).message()));
  }

  /** How a job's view looks to the cluster. */
  static JobSnapshot snapshot(JobView view) {
    JobSnapshot.State state = switch (view.state()) {
      case RUNNING -> JobSnapshot.State.RUNNING;
      case PAUSED -> JobSnapshot.State.PAUSED;
      case STOPPING -> JobSnapshot.State.STOPPING;
      case FINISHED, STOPPED, FAILED -> JobSnapshot.State.ENDED;
    };
    return new JobSnapshot(view.id(), state, view.counts().inFlight());
  }
}
