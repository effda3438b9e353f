package spindle.admin;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A job whose crawl has ended and whose store and output are being closed (on the blocking-io dispatcher). It is
 * listed as ended already, but still holds its output and store, so no job may use them (nor run it again) until it
 * is {@link JobEnded ended}; then its file is saved.
 */
final class JobClosing extends JobBehavior {
  private final EndedRun ended;
  private final long run;
  private final Job.Claim claim;

  private JobClosing(ActorContext<Job.Command> context, Job.Environment environment, EndedRun ended, long run,
      Job.Claim claim) {
    super(context, environment);
    this.ended = ended;
    this.run = run;
    this.claim = claim;
  }

  /** Closes the store of the run {@code crawling} had, which ended as {@code ended}. */
  static Behavior<Job.Command> close(JobCrawling crawling, EndedRun ended) {
    Job.Environment environment = crawling.environment;
    PreparedJob prepared = crawling.live.prepared();
    environment.dependencies().hostMetrics().unregister(environment.id());
    crawling.getContext().pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        prepared.close();
      } catch (IOException failed) {
        throw new CompletionException(failed);
      }
    }, environment.blockingIo()), (ignored, failure) -> new Job.Closed(Job.unwrap(failure)));
    JobClosing closing = new JobClosing(crawling.getContext(), environment, ended, crawling.live.number(),
        crawling.live.claim());
    closing.report();
    return closing;
  }

  @Override
  public Receive<Job.Command> createReceive() {
    return withoutCrawl()
        .onMessage(Job.Closed.class, this::onClosed)
        .onMessageEquals(Job.Shutdown.INSTANCE, () -> this)
        .onMessage(Job.Start.class, this::onStartWhileBusy)
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
    return new Job.Status(Optional.of(ended.state()), Optional.of(claim), environment.saves().pending());
  }

  private Behavior<Job.Command> onClosed(Job.Closed closed) {
    EndedRun run = ended;
    if (closed.failure() != null) {
      getContext().getLog().error("could not close the store of job={}", id(), closed.failure());
      run = ended.withFirstError("could not close the store: " + closed.failure().getMessage());
    }
    JobEnded next = new JobEnded(getContext(), environment, run, this.run);
    next.save(run.saved());
    next.report();
    return next;
  }
}
