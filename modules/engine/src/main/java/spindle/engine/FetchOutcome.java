package spindle.engine;

import java.util.List;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.fetch.FetchResult;

/** What a fetcher puts into the results stream: the final outcome of one URL (or one redirect hop), or a fetch to archive. */
public sealed interface FetchOutcome {
  /** A fetch whose result is final (success, a failure retries cannot fix, or retries used up). */
  record Fetched(CrawlUrl url, FetchResult result, int attempts) implements FetchOutcome {}

  /** A URL that was not fetched, and why. */
  record Rejected(CrawlUrl url, ErrorKind kind, String message) implements FetchOutcome {}

  /**
   * A host's robots.txt fetch, with each redirect hop, to archive: its rules went to the host's queue already, and
   * no record is written for it. Only a fetcher that keeps exchanges (WARC on) offers it.
   */
  record RobotsFetched(List<FetchResult> fetches) implements FetchOutcome {
    public RobotsFetched {
      fetches = List.copyOf(fetches);
    }
  }
}
