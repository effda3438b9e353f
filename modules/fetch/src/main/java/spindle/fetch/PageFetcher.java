package spindle.fetch;

import java.util.concurrent.CompletionStage;

/**
 * Fetches one URL with one HTTP GET, without following redirects (each hop goes back through its host's
 * politeness queue). The stage always completes normally: every failure is a {@link FetchResult} with an error.
 */
public interface PageFetcher {
  /** Fetches {@code url}, keeping at most {@code maxBodyBytes} of the decoded body. */
  CompletionStage<FetchResult> fetch(String url, long maxBodyBytes);
}
