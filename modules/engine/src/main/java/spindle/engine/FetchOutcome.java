package spindle.engine;

import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.fetch.FetchResult;

/** What a fetcher puts into the results stream: the final outcome of one URL (or one redirect hop). */
public sealed interface FetchOutcome {
  /** The URL the outcome is for. */
  CrawlUrl url();

  /** A fetch whose result is final (success, a failure retries cannot fix, or retries used up). */
  record Fetched(CrawlUrl url, FetchResult result, int attempts) implements FetchOutcome {}

  /** A URL that was not fetched, and why. */
  record Rejected(CrawlUrl url, ErrorKind kind, String message) implements FetchOutcome {}
}
