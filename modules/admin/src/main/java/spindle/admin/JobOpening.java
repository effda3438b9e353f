package spindle.admin;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What the states of a job whose store is being opened share: run {@code run} of {@code start}, answered from the
 * {@code previous} run (404 for a new job) and claiming the job's output and store.
 */
abstract class JobOpening extends JobBehavior {
  final long run;
  final Job.Start start;
  final Optional<EndedRun> previous;

  JobOpening(ActorContext<Job.Command> context, Job.Environment environment, long run, Job.Start start,
      Optional<EndedRun> previous) {
    super(context, environment);
    this.run = run;
    this.start = start;
    this.previous = previous;
  }

  @Override
  final Optional<JobView> view() {
    return previous.map(EndedRun::view);
  }

  @Override
  final List<Sample> samples() {
    return previous.map(EndedRun::samples).orElse(List.of());
  }

  @Override
  final Job.Status status() {
    return new Job.Status(previous.map(EndedRun::state), Optional.of(Job.Claim.of(start.definition())),
        environment.saves().pending());
  }
}
