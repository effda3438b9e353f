package spindle.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Answers {@link JobManager.ListJobs}: asks every job to describe itself, and replies once with the jobs that are
 * listed, sorted by id, when all have answered or stopped, or at the deadline (with those that answered), then stops.
 */
final class JobListing extends AbstractBehavior<JobListing.Command> {
  sealed interface Command {}

  private record Answered(Job.Described described) implements Command {}

  private record JobStopped(ActorRef<Job.Command> job) implements Command {}

  private enum Deadline implements Command { INSTANCE }

  private final ActorRef<List<JobView>> replyTo;
  private final Set<ActorRef<Job.Command>> waiting;
  private final List<JobView> views = new ArrayList<>();

  private JobListing(ActorContext<Command> context, Collection<ActorRef<Job.Command>> jobs,
      ActorRef<List<JobView>> replyTo) {
    super(context);
    this.replyTo = replyTo;
    this.waiting = new HashSet<>(jobs);
    ActorRef<Job.Described> answers = context.messageAdapter(Job.Described.class, Answered::new);
    for (ActorRef<Job.Command> job : jobs) {
      context.watchWith(job, new JobStopped(job));
      job.tell(new Job.Describe(answers));
    }
  }

  /** Lists {@code jobs} to {@code replyTo}, waiting at most {@code deadline}. */
  static Behavior<Command> create(Collection<ActorRef<Job.Command>> jobs, ActorRef<List<JobView>> replyTo,
      Duration deadline) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Deadline.INSTANCE, deadline);
      return new JobListing(context, List.copyOf(jobs), replyTo).replyWhenComplete();
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(JobStopped.class, this::onJobStopped)
        .onMessageEquals(Deadline.INSTANCE, this::onDeadline)
        .build();
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (waiting.remove(answered.described().job())) {
      answered.described().view().ifPresent(views::add);
    }
    return replyWhenComplete();
  }

  private Behavior<Command> onJobStopped(JobStopped stopped) {
    waiting.remove(stopped.job());
    return replyWhenComplete();
  }

  private Behavior<Command> onDeadline() {
    getContext().getLog().warn("listing the jobs without {} that did not answer in time", waiting.size());
    return reply();
  }

  private Behavior<Command> replyWhenComplete() {
    return waiting.isEmpty() ? reply() : this;
  }

  private Behavior<Command> reply() {
    views.sort(Comparator.comparing(JobView::id));
    replyTo.tell(List.copyOf(views));
    return Behaviors.stopped();
  }
}
