package spindle.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import spindle.core.HostKey;

/**
 * One host of a running crawl, as an operator sees it. Counts come from the frontier (durable); the rest from the
 * host's queue when it is running ({@code active}), else the configured defaults.
 *
 * @param host the host (and port, when not the scheme's default)
 * @param queued URLs waiting in the frontier for this host
 * @param inFlight requests to the host in flight now (robots.txt included)
 * @param fetched URLs recorded without an error
 * @param failed URLs recorded with an error
 * @param robots robots.txt state: {@code not-loaded}, {@code unknown}, {@code fetching}, {@code ready},
 *     {@code waiting-retry} (5xx or unreachable: disallowed until the retry), {@code gave-up}, {@code disabled},
 *     {@code address-blocked} (the address policy refuses the host: its URLs get ADDRESS_BLOCKED records)
 * @param effectiveDelay the delay between requests in force: the larger of the host's delay and its capped
 *     Crawl-delay, or longer where it adapted to the server (slow responses, errors), up to {@code max-delay}
 * @param delaySource why the delay is what it is: {@code base}, {@code crawl-delay}, {@code operator},
 *     {@code slow-responses}, {@code errors} or {@code recovering}
 * @param delayReason the same for an operator, with figures ("5xx: grown after 3 errors")
 * @param nextFetchAt when the delay allows the next request, if that is in the future
 * @param backoffUntil when a 429/503 backoff ends, if the host is backing off
 * @param robotsRetryAt when robots.txt is tried again, if waiting for a retry
 * @param lastStatus the HTTP status of the host's last response, if any since its queue started
 * @param paused whether an operator paused the host
 * @param blocked whether an operator blocked the host
 * @param concurrency the host's requests-in-flight limit
 * @param leases the host's requests in flight, oldest first
 * @param active whether the host's queue is running (a host with work always has one)
 */
public record HostReport(HostKey host, long queued, int inFlight, long fetched, long failed, String robots,
    Duration effectiveDelay, String delaySource, String delayReason, Optional<Instant> nextFetchAt, Optional<Instant> backoffUntil,
    Optional<Instant> robotsRetryAt, OptionalInt lastStatus, boolean paused, boolean blocked, int concurrency,
    List<Lease> leases, boolean active) {
  public HostReport {
    leases = List.copyOf(leases);
  }

  /** A request in flight: its URL and how long ago it was handed to a fetcher. */
  public record Lease(String url, Duration age) {}
}
