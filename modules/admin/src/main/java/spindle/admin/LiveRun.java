package spindle.admin;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.pekko.actor.typed.ActorRef;
import spindle.core.url.UrlNormalizer;
import spindle.engine.CrawlSupervisor;

/**
 * The run of a job whose crawl is going on: what it was started with and what it holds open.
 *
 * @param number the run's number within its job's actor (messages of an earlier run are told apart by it)
 * @param body the job as submitted
 * @param started when the run started
 * @param output the output file, as the job names it
 * @param store the store directory as the job names it, or "memory"
 * @param claim the output and store the run holds, for the manager's conflict checks
 * @param normalizer how seeds added to the run are canonicalised
 * @param prepared the open store and output
 * @param supervisor the crawl
 */
record LiveRun(long number, JobBody body, Instant started, String output, String store, Job.Claim claim,
    UrlNormalizer normalizer, PreparedJob prepared, ActorRef<CrawlSupervisor.Command> supervisor) {

  /** The run of {@code definition}, opened as {@code prepared} and crawled by {@code supervisor}. */
  static LiveRun of(long number, JobBody body, Instant started, JobDefinition definition, PreparedJob prepared,
      ActorRef<CrawlSupervisor.Command> supervisor) {
    return new LiveRun(number, body, started, definition.output().toString(),
        definition.storeDirectory().map(Object::toString).orElse("memory"), Job.Claim.of(definition),
        new UrlNormalizer(prepared.settings().normalization()), prepared, supervisor);
  }

  /** The counts of the run's frontier with {@code inFlight} requests in flight; never blocks (frontiers keep them). */
  JobCounts counts(int inFlight) {
    return JobCounts.of(prepared.frontier().counts(), inFlight);
  }

  /** The job as the API shows it in {@code state}; an ETA only while running (a paused job makes no progress). */
  JobView view(String id, JobState state, ProgressSeries progress, Instant now) {
    JobCounts counts = counts(progress.inFlight());
    double rate = progress.lastMinuteRate(now);
    OptionalDouble eta = rate > 0 && state == JobState.RUNNING ? OptionalDouble.of(counts.queued() / rate)
        : OptionalDouble.empty();
    return new JobView(id, state, started, Optional.empty(), counts, rate, eta, output, store, Optional.empty(),
        warc());
  }

  /** What the run has written to its WARC archive so far, if it writes one. */
  Optional<WarcView> warc() {
    return prepared.archive().map(WarcView::of);
  }

  /** The job's file in {@code state}, {@code paused} by an operator, to start again at start or not. */
  JobFiles.SavedJob saved(String id, JobState state, boolean paused, boolean restart, ProgressSeries progress) {
    return new JobFiles.SavedJob(id, body.syntax(), body.text(), state, paused, restart, started, Optional.empty(),
        counts(progress.inFlight()), output, store, Optional.empty());
  }
}
