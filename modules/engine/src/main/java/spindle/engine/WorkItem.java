package spindle.engine;

import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;

/** What a host queue hands to a fetcher through the broker. Every item ends in exactly one report to its host. */
public sealed interface WorkItem {
  /** Whether the item sends a request (and so counts against the global rate limit). */
  boolean sendsRequest();

  /** The URL the item is about: the page's, or the robots.txt's; its host holds the item's lease under it. */
  String target();

  /** Fetch a page; {@code attempt} is 1 for the first try and grows with each retry. */
  record PageFetch(CrawlUrl url, int attempt) implements WorkItem {
    @Override
    public boolean sendsRequest() {
      return true;
    }

    @Override
    public String target() {
      return url.url();
    }
  }

  /** Fetch the host's robots.txt, following up to 5 redirects. */
  record RobotsFetch(String robotsUrl) implements WorkItem {
    @Override
    public boolean sendsRequest() {
      return true;
    }

    @Override
    public String target() {
      return robotsUrl;
    }
  }

  /** Write a failure record for a URL that will not be fetched (robots.txt disallows it, or is unavailable). */
  record Reject(CrawlUrl url, ErrorKind kind, String message) implements WorkItem {
    @Override
    public boolean sendsRequest() {
      return false;
    }

    @Override
    public String target() {
      return url.url();
    }
  }
}
