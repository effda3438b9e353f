package spindle.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.engine.CrawlSummary;
import spindle.engine.Progress;

/**
 * One job of the service as an actor, a child of the {@link JobManager}: it owns the job's life, its crawl (a
 * {@code CrawlSupervisor} child per run), its progress samples and its saved file. Each state is a behaviour of its
 * own, handling only what makes sense in it:
 *
 * <ul>
 *   <li>{@link JobPreparing preparing}: its store and output are being opened. Opened, it is running, or paused when
 *       it was paused before the service restarted. Not opened: a new job is gone, a job run again is back to its
 *       previous run, a restored job has failed. A {@link Shutdown} makes it {@link JobPreparing.Cancelled
 *       cancelled}: the store, once open, is closed again.
 *   <li>{@link JobCrawling.Running running}: pause makes it paused, stop (an operator's, or the shutdown's) stopping.
 *   <li>{@link JobCrawling.Paused paused}: resume makes it running, stop stopping.
 *   <li>{@link JobCrawling.Stopping stopping}: draining; pause and resume get 409.
 *   <li>{@link JobClosing closing}: the crawl ended (finished, stopped or failed; from any of the three above) and the
 *       store is being closed; listed as ended, but it still holds its output and store.
 *   <li>{@link JobEnded ended}: finished, stopped or failed, holding nothing; submitted again, it is preparing.
 * </ul>
 *
 * A job that was never listed (a new one, while preparing) answers questions with 404, as if it did not exist; a job
 * run again answers them with its previous run while it prepares. The job tells the manager its {@link Status} at
 * each change, and the manager keeps only that (for conflicts, listing and the shutdown) and the job's address.
 */
final class Job {
  private static final Logger LOG = LoggerFactory.getLogger(Job.class);

  private Job() {}

  /** Messages a job handles. */
  sealed interface Command {}

  /**
   * Opens the job's store and starts its crawl: a new job, or an ended one run again. {@code replyTo} gets {@link
   * JobManager.Prepared} with the job or the refusal.
   */
  record Start(JobDefinition definition, JobBody body, boolean paused, Optional<JobFiles.SavedJob> restored,
      ActorRef<JobManager.Prepared> replyTo) implements Command {}

  /** Replies with the job, or 404 while a job never listed prepares. */
  record Get(ActorRef<Reply<JobView>> replyTo) implements Command {}

  /** Replies with the job for a listing: empty while a job never listed prepares. */
  record Describe(ActorRef<Described> replyTo) implements Command {}

  /** A job's answer to {@link Describe}. */
  record Described(ActorRef<Command> job, Optional<JobView> view) {}

  /** Pauses, resumes or stops the job; replies with it, or 409 when its state does not allow that. */
  record Change(JobManager.JobAction action, JobManager.Origin origin, ActorRef<Reply<JobView>> replyTo)
      implements Command {
    /** Whether an operator asked for it here (then the change is published as a job event). */
    boolean byOperator() {
      return origin == JobManager.Origin.OPERATOR;
    }
  }

  /** Adds seeds to the job's crawl; replies with how many (400 naming the first invalid URL, 409 when not crawling). */
  record AddSeeds(List<String> urls, ActorRef<Reply<Integer>> replyTo) implements Command {
    AddSeeds {
      urls = List.copyOf(urls);
    }
  }

  /** Replies with the job and, while it is active, its crawl. */
  record Lookup(ActorRef<Reply<JobManager.JobHandle>> replyTo) implements Command {}

  /** Replies with the job's samples, oldest first. */
  record GetSeries(ActorRef<Reply<List<Sample>>> replyTo) implements Command {}

  /** The service is stopping: a job that crawls stops and is saved to start again with the service. */
  enum Shutdown implements Command { INSTANCE }

  /** The store was opened, or could not be. */
  record Opened(PreparedJob prepared, Throwable failure) implements Command {}

  /** A store opened after the shutdown began has been closed again ({@code failure} null), or could not be. */
  record Discarded(Throwable failure) implements Command {}

  /** The crawl of run {@code run} reports progress. */
  record ProgressReport(long run, Progress progress) implements Command {}

  /** The crawl of run {@code run} ended with {@code summary} (null when its result failed: {@code failure}). */
  record CrawlEnded(long run, CrawlSummary summary, Throwable failure) implements Command {}

  /** The supervisor of run {@code run} stopped. */
  record SupervisorStopped(long run) implements Command {}

  /** The store of the run that ended has been closed ({@code failure} null), or could not be. */
  record Closed(Throwable failure) implements Command {}

  /** The saves asked for so far are written. */
  enum SavesWritten implements Command { INSTANCE }

  /**
   * The output file and store directory a job holds while it prepares, crawls or closes: no other job may use them.
   *
   * @param output the output file, absolute
   * @param store the store directory, absolute, or empty for an in-memory store
   */
  record Claim(Path output, Optional<Path> store) {
    /** What {@code definition} will hold. */
    static Claim of(JobDefinition definition) {
      return new Claim(definition.output().toAbsolutePath().normalize(),
          definition.storeDirectory().map(path -> path.toAbsolutePath().normalize()));
    }
  }

  /**
   * What the manager knows of a job.
   *
   * @param state how the job is listed; empty while a job never listed prepares (or once it is gone)
   * @param claim what it holds, while it prepares, crawls or closes its store
   * @param saving whether a save of its file is still being written
   */
  record Status(Optional<JobState> state, Optional<Claim> claim, boolean saving) {
    /** Whether the job has nothing open and nothing to write, and is not listed: the manager forgets it. */
    boolean gone() {
      return state.isEmpty() && claim.isEmpty() && !saving;
    }
  }

  /**
   * What every state of one job needs.
   *
   * @param id the job's id
   * @param dependencies the manager's dependencies
   * @param manager where the job reports its status
   * @param blockingIo where the store is opened and closed and the file written
   * @param saves the job's file, written in order
   */
  record Environment(String id, JobManager.Dependencies dependencies, ActorRef<JobManager.Command> manager,
      Executor blockingIo, Saves saves) {
    /** The time of the service's clock. */
    Instant now() {
      return dependencies.clock().instant();
    }
  }

  /** A job's file, written off the actor in the order the saves were asked for. Owned by one job's actor. */
  static final class Saves {
    private final JobFiles files;
    private final Executor blockingIo;
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);

    Saves(JobFiles files, Executor blockingIo) {
      this.files = files;
      this.blockingIo = blockingIo;
    }

    /** Writes {@code job} after the saves before it; completes when written (a failure is logged, not thrown). */
    CompletionStage<Void> save(JobFiles.SavedJob job) {
      written = written.thenRunAsync(() -> {
        try {
          files.save(job);
        } catch (IOException failed) { // the job runs on; only its restart after a service restart is at risk
          LOG.error("could not save job={} in {}: {}", job.id(), files.directory(), failed.toString());
        }
      }, blockingIo);
      return written;
    }

    /** Whether a save is still being written. */
    boolean pending() {
      return !written.isDone();
    }
  }

  /** A new job, preparing for {@code start}. */
  static Behavior<Command> preparing(Environment environment, Start start) {
    return withMdc(environment, Behaviors.setup(context -> {
      context.setLoggerName(Job.class); // one logger whatever the state
      return new JobPreparing(context, environment, 1, start, Optional.empty());
    }));
  }

  /** A job that has ended, from its file; {@code save} writes its file again (a restore that failed). */
  static Behavior<Command> ended(Environment environment, EndedRun ended, boolean save) {
    return withMdc(environment, Behaviors.setup(context -> {
      context.setLoggerName(Job.class);
      JobEnded job = new JobEnded(context, environment, ended, 0);
      if (save) {
        job.save(ended.saved());
      }
      return job;
    }));
  }

  private static Behavior<Command> withMdc(Environment environment, Behavior<Command> behavior) {
    return Behaviors.withMdc(Command.class, Map.of("job", environment.id()), behavior);
  }

  /** The refusal of a job whose reading or opening failed with {@code failure}: 400 for a bad job, 500 for a bug. */
  static Reply<JobView> refusal(Throwable failure) {
    if (failure instanceof JobRejected rejected) {
      return Reply.refused(Reply.Problem.BAD_REQUEST, rejected.getMessage());
    }
    return Reply.refused(Reply.Problem.INTERNAL, "internal error: " + failure + " (stack trace in the service's log)");
  }

  /** Why a restored job could not start, from the same failure: the message, or "internal error: ...". */
  static String restoreFailure(Throwable failure) {
    return failure instanceof JobRejected rejected ? rejected.getMessage() : "internal error: " + failure;
  }

  /** The failure inside a {@link CompletionException}. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
