package spindle.admin;

import spindle.store.FrontierCounts;

/**
 * A job's URLs by state, as the API shows them.
 *
 * @param discovered URLs admitted to the crawl
 * @param queued URLs waiting in host queues
 * @param inFlight requests in flight
 * @param fetched URLs recorded without an error
 * @param failed URLs recorded with an error
 * @param scheduled URLs waiting for a revisit ({@code spindle.recrawl}); fetched and failed count a URL only once its
 *     visits are over
 */
public record JobCounts(long discovered, long queued, int inFlight, long fetched, long failed, long scheduled) {
  /** No URLs at all. */
  public static final JobCounts NONE = new JobCounts(0, 0, 0, 0, 0, 0);

  /** Counts of a job that revisits nothing. */
  public JobCounts(long discovered, long queued, int inFlight, long fetched, long failed) {
    this(discovered, queued, inFlight, fetched, failed, 0);
  }

  /** The frontier's counts with {@code inFlight} requests in flight. */
  public static JobCounts of(FrontierCounts counts, int inFlight) {
    return new JobCounts(counts.discovered(), counts.queued(), inFlight, counts.fetched(), counts.failed(),
        counts.scheduled());
  }

  /** Fetched plus failed: URLs with a record. */
  public long done() {
    return fetched + failed;
  }
}
