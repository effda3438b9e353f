package spindle.engine;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import spindle.core.ErrorKind;
import spindle.store.FrontierCounts;

/**
 * How a crawl ended.
 *
 * @param counts the frontier's counts at the end (a resumed crawl's earlier work included)
 * @param recorded records written by this run
 * @param elapsed wall time from start to the last record written
 * @param errors records with an error, by kind
 * @param stopped whether a stop request ended it before its work was done
 * @param failure why the crawl itself failed (the output could not be written), or empty
 * @param deadLetters messages that reached dead letters
 * @param restarts actors restarted after a bug
 */
public record CrawlSummary(FrontierCounts counts, long recorded, Duration elapsed, Map<ErrorKind, Long> errors, boolean stopped,
    Optional<String> failure, long deadLetters, long restarts) {
  public CrawlSummary {
    errors = Map.copyOf(errors);
  }

  /** Records written per second by this run. */
  public double pagesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : recorded / seconds;
  }
}
