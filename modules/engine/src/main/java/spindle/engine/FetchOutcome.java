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
   * A host's robots.txt fetch: each redirect hop's exchange, to archive (WARC on; else none), and the sitemaps to
   * admit (with {@code spindle.sitemaps} on: its Sitemap: lines, or the guessed {@code /sitemap.xml}; else none). No
   * record is written for it. Offered only when there is something to archive or admit.
   */
  record RobotsFetched(List<FetchResult> fetches, List<String> sitemaps) implements FetchOutcome {
    public RobotsFetched {
      fetches = List.copyOf(fetches);
      sitemaps = List.copyOf(sitemaps);
    }
  }
}
