package spindle.admin;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The last run of a job that has ended (finished, stopped or failed), as the job's actor keeps it: from the crawl's
 * end, or from the job's saved file.
 *
 * @param id the job's id
 * @param body the job as submitted
 * @param state how it ended
 * @param started when the run started
 * @param ended when it ended
 * @param counts its counts at the end
 * @param output the output file
 * @param store the store directory, or "memory"
 * @param error why it failed, if it did
 * @param restart whether the service starts it again at start (a job interrupted by a shutdown)
 * @param samples its progress samples, oldest first
 * @param warc what it wrote to its WARC archive; empty when it wrote none, or when it comes from the saved file
 */
record EndedRun(String id, JobBody body, JobState state, Instant started, Instant ended, JobCounts counts,
    String output, String store, Optional<String> error, boolean restart, List<Sample> samples,
    Optional<WarcView> warc) {
  EndedRun {
    samples = List.copyOf(samples); // a copy: views of it leave the actor
  }

  /** A job that is not running, from its saved file: in {@code state}, failed for {@code error}, ended {@code ended}. */
  static EndedRun fromSaved(JobFiles.SavedJob saved, JobState state, Optional<String> error, Instant ended) {
    return new EndedRun(saved.id(), new JobBody(saved.body(), saved.syntax(), Optional.of(saved.id())), state,
        saved.started(), ended, saved.counts(), saved.output(), saved.store(), error, false, List.of(),
        Optional.empty());
  }

  /** This run with {@code error} when it has none yet. */
  EndedRun withFirstError(String error) {
    return this.error.isPresent() ? this : new EndedRun(id, body, state, started, ended, counts, output, store,
        Optional.of(error), restart, samples, warc);
  }

  /** The job as the API shows it: no rate, no ETA. */
  JobView view() {
    return new JobView(id, state, started, Optional.of(ended), counts, 0, OptionalDouble.empty(), output, store, error,
        warc);
  }

  /** The job's file. */
  JobFiles.SavedJob saved() {
    return new JobFiles.SavedJob(id, body.syntax(), body.text(), state, false, restart, started, Optional.of(ended),
        counts, output, store, error);
  }
}
