package spindle.engine;

import java.time.Duration;

/**
 * A snapshot of a running crawl, taken about once a second.
 *
 * @param elapsed time since the crawl started
 * @param fetched URLs recorded without an error
 * @param failed URLs recorded with an error
 * @param queued URLs waiting in host queues
 * @param inFlight requests in flight now
 * @param pagesPerSecond records written per second over the last interval
 * @param discovered URLs admitted so far
 */
public record Progress(Duration elapsed, long fetched, long failed, long queued, int inFlight, double pagesPerSecond,
    long discovered) {
  /** Records written so far. */
  public long done() {
    return fetched + failed;
  }
}
