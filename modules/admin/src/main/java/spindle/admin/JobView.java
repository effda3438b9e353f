package spindle.admin;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A snapshot of one job, as {@code GET /api/jobs/{id}} shows it.
 *
 * @param id the job's id, which is its {@code spindle.job.name}
 * @param state where the job is in its life
 * @param started when this run of the job started
 * @param ended when it ended, if it has
 * @param counts its URLs by state
 * @param pagesPerSecond records written per second over the last minute (0 when not running)
 * @param etaSeconds queued URLs divided by that rate, when the rate is above 0
 * @param output the JSON-lines output file
 * @param store the store directory, or "memory"
 * @param error why the job failed, as one line, if it did
 * @param warc what the run wrote to its WARC archive; empty when the job writes none, and for a run that ended before
 *     the service last started
 */
public record JobView(String id, JobState state, Instant started, Optional<Instant> ended, JobCounts counts,
    double pagesPerSecond, OptionalDouble etaSeconds, String output, String store, Optional<String> error,
    Optional<WarcView> warc) {}
