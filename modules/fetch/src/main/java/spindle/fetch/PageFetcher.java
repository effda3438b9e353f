package spindle.fetch;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import spindle.core.LastVisit;

/**
 * Fetches one URL with one HTTP GET, without following redirects (each hop goes back through its host's
 * politeness queue). The stage always completes normally: every failure is a {@link FetchResult} with an error.
 */
public interface PageFetcher {
  /** Fetches {@code url}, keeping at most {@code maxBodyBytes} of the decoded body. */
  CompletionStage<FetchResult> fetch(String url, long maxBodyBytes);

  /**
   * Fetches {@code url} as a revisit after {@code previous}: a conditional GET with the validators the server gave
   * then, so an unchanged page may answer 304 without a body. A fetcher that cannot send them makes a plain GET.
   */
  default CompletionStage<FetchResult> fetch(String url, long maxBodyBytes, Optional<LastVisit> previous) {
    return fetch(url, maxBodyBytes);
  }
}
