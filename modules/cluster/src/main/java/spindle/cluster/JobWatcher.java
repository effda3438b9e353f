package spindle.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import spindle.admin.BodySyntax;
import spindle.admin.JobManager;
import spindle.admin.JobState;
import spindle.admin.JobView;
import spindle.admin.Reply;

/**
 * Makes this node run the cluster's jobs: every {@code job-poll-interval} it reads {@link ClusterJobs} and its own
 * job manager's jobs, joins the active jobs it does not run (a job submitted to another node, or running since
 * before this node joined), and pauses, resumes and stops the jobs an operator paused, resumed or stopped on another
 * node.
 */
final class JobWatcher extends AbstractBehavior<JobWatcher.Command> {
  sealed interface Command {}

  private enum Poll implements Command { INSTANCE }

  private record Read(List<ClusterJobs.Row> rows, Throwable failure) implements Command {}

  private record Listed(List<ClusterJobs.Row> rows, List<JobView> local) implements Command {}

  private record Answered(String name, Reply<JobView> reply) implements Command {}

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private final ClusterJobs jobs;
  private final ActorRef<JobManager.Command> manager;
  private final Executor blockingIo;
  /** The generation of each job this node has run or joined. */
  private final Map<String, Long> handled = new HashMap<>();
  /** The generation of each job this node opened itself, as announced (written off the actor, read here). */
  private final Map<String, Long> openedHere;
  private boolean polling;

  private JobWatcher(ActorContext<Command> context, ClusterJobs jobs, ActorRef<JobManager.Command> manager,
      Map<String, Long> openedHere) {
    super(context);
    this.openedHere = openedHere;
    this.jobs = jobs;
    this.manager = manager;
    this.blockingIo = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
  }

  static Behavior<Command> create(ClusterJobs jobs, ActorRef<JobManager.Command> manager, Duration every,
      Map<String, Long> openedHere) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Poll.INSTANCE, every);
      return new JobWatcher(context, jobs, manager, openedHere);
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Poll.INSTANCE, this::onPoll)
        .onMessage(Read.class, this::onRead)
        .onMessage(Listed.class, this::onListed)
        .onMessage(Answered.class, this::onAnswered)
        .build();
  }

  private Behavior<Command> onPoll() {
    if (!polling) {
      polling = true;
      getContext().pipeToSelf(CompletableFuture.supplyAsync(jobs::rows, blockingIo), Read::new);
    }
    return this;
  }

  private Behavior<Command> onRead(Read read) {
    if (read.failure() != null) {
      polling = false;
      getContext().getLog().warn("cannot read the cluster's jobs: {}", read.failure().getMessage());
      return this;
    }
    List<ClusterJobs.Row> rows = read.rows();
    getContext().pipeToSelf(AskPattern.ask(manager, JobManager.ListJobs::new, ASK_TIMEOUT,
        getContext().getSystem().scheduler()), (local, failure) -> new Listed(rows, local == null ? List.of() : local));
    return this;
  }

  private Behavior<Command> onListed(Listed listed) {
    polling = false;
    Map<String, JobView> local = new HashMap<>();
    listed.local().forEach(view -> local.put(view.id(), view));
    for (ClusterJobs.Row row : listed.rows()) {
      JobView here = local.get(row.name());
      boolean active = here != null && here.state().active();
      Long opened = openedHere.get(row.name());
      if (opened != null) { // opened here (perhaps still starting, so not listed yet): not to be joined again
        handled.merge(row.name(), opened, Math::max);
      }
      Long seen = handled.get(row.name());
      if (seen == null && here != null) {
        handled.put(row.name(), row.generation()); // this node ran it already (submitted here, or restored)
        seen = row.generation();
      }
      boolean wanted = row.state().equals("running") || row.state().equals("paused");
      if (wanted && !active && (seen == null || row.generation() > seen)) {
        handled.put(row.name(), row.generation());
        getContext().getLog().info("joining job {} (generation {}) submitted to another node", row.name(),
            row.generation());
        String name = row.name();
        ask(name, replyTo -> new JobManager.Join(name, row.body(), BodySyntax.valueOf(row.syntax()), replyTo));
      } else if (row.state().equals("paused") && active && here.state() == JobState.RUNNING) {
        getContext().getLog().info("pausing job {}: an operator paused it on another node", row.name());
        String name = row.name();
        ask(name, replyTo -> new JobManager.ChangeJob(name, JobManager.JobAction.PAUSE, replyTo));
      } else if (row.state().equals("running") && active && here.state() == JobState.PAUSED) {
        getContext().getLog().info("resuming job {}: an operator resumed it on another node", row.name());
        String name = row.name();
        ask(name, replyTo -> new JobManager.ChangeJob(name, JobManager.JobAction.RESUME, replyTo));
      } else if (row.state().equals("stopped") && active && here.state() != JobState.STOPPING) {
        getContext().getLog().info("stopping job {}: an operator stopped it on another node", row.name());
        String name = row.name();
        ask(name, replyTo -> new JobManager.ChangeJob(name, JobManager.JobAction.STOP, replyTo));
      }
    }
    return this;
  }

  private void ask(String name, Function<ActorRef<Reply<JobView>>, JobManager.Command> request) {
    getContext().pipeToSelf(AskPattern.ask(manager, request::apply, ASK_TIMEOUT,
        getContext().getSystem().scheduler()), (reply, failure) -> new Answered(name, reply != null ? reply
        : Reply.refused(Reply.Problem.UNAVAILABLE, "no answer from the job manager: " + failure.getMessage())));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (answered.reply() instanceof Reply.Refused<JobView> refused) {
      getContext().getLog().warn("job {}: {}", answered.name(), refused.message());
    }
    return this;
  }
}
