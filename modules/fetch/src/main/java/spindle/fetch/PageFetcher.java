package spindle.fetch;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import spindle.core.LastVisit;
import spindle.fetch.address.HostResolver;

/**
 * Fetches one URL with one HTTP GET, without following redirects (each hop goes back through its host's
 * politeness queue). The stage always completes normally: every failure is a {@link FetchResult} with an error.
 */
public interface PageFetcher {
  /** Fetches {@code url}, keeping at most {@code maxBodyBytes} of the decoded body. */
  CompletionStage<FetchResult> fetch(String url, long maxBodyBytes);

  /**
   * The resolver this fetcher's connections go through. Politeness keyed by address resolves hosts with it too, so
   * a host is queued by the address it is connected to (the operating system's resolver unless the fetcher says).
   */
  default HostResolver resolver() {
    return HostResolver.system();
  }

  /**
   * Fetches {@code url} as a revisit after {@code previous}: a conditional GET with the validators the server gave
   * then, so an unchanged page may answer 304 without a body. A fetcher that cannot send them makes a plain GET.
   */
  default CompletionStage<FetchResult> fetch(String url, long maxBodyBytes, Optional<LastVisit> previous) {
    return fetch(url, maxBodyBytes);
  }
}
