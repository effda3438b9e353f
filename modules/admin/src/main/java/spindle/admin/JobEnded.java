package spindle.admin;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A job that has ended (finished, stopped or failed) and holds nothing open: listed with its last run; changes and
 * seeds get 409; submitted again, it prepares a new run, which resumes from its store.
 */
final class JobEnded extends JobBehavior {
  private final EndedRun ended;
  private final long run;

  JobEnded(ActorContext<Job.Command> context, Job.Environment environment, EndedRun ended, long run) {
    super(context, environment);
    this.ended = ended;
    this.run = run;
  }

  @Override
  public Receive<Job.Command> createReceive() {
    return withoutCrawl()
        .onMessage(Job.Start.class, this::onStart)
        .onMessageEquals(Job.Shutdown.INSTANCE, () -> this)
        .build();
  }

  @Override
  Optional<JobView> view() {
    return Optional.of(ended.view());
  }

  @Override
  List<Sample> samples() {
    return ended.samples();
  }

  @Override
  Job.Status status() {
    return new Job.Status(Optional.of(ended.state()), Optional.empty(), environment.saves().pending());
  }

  private Behavior<Job.Command> onStart(Job.Start start) {
    JobPreparing next = new JobPreparing(getContext(), environment, run + 1, start, Optional.of(ended));
    next.report();
    return next;
  }
}
