package spindle.engine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import spindle.core.HostKey;

/**
 * Why a crawl is not finished: what every host with work is waiting for. Each list is sorted by the time the wait
 * ends (soonest first) and holds at most the requested number of entries; {@code truncated} says some were left out.
 *
 * @param paused the whole crawl is paused
 * @param draining the crawl is stopping
 * @param queued URLs queued in the frontier
 * @param leased URLs handed to host queues and fetchers, not yet recorded
 * @param activeHosts host queues running
 * @param waitingHosts hosts with work waiting for a turn: {@code spindle.engine.max-active-hosts} queues run already
 * @param ready hosts that may start a request now and wait only for an idle fetcher
 * @param politeness hosts waiting for their delay to pass, with the time of their next request
 * @param backoff hosts backing off after 429 or 503, with their retry time
 * @param robots hosts waiting for robots.txt: being fetched, or unavailable and waiting for a retry
 * @param pausedHosts hosts an operator paused
 * @param inFlight requests in flight with their age, oldest first
 * @param truncated whether a list was cut at the limit
 * @param scheduled URLs waiting for a revisit ({@code spindle.recrawl})
 * @param revisits hosts whose URLs all wait for a later revisit, with the time their next one is due (their queues hold
 *     nothing meanwhile)
 */
public record WhyReport(boolean paused, boolean draining, long queued, long leased, int activeHosts, int waitingHosts,
    int ready,
    List<HostWait> politeness, List<HostWait> backoff, List<HostWait> robots, List<HostKey> pausedHosts,
    List<InFlight> inFlight, boolean truncated, long scheduled, List<HostWait> revisits) {
  public WhyReport {
    revisits = List.copyOf(revisits);
    politeness = List.copyOf(politeness);
    backoff = List.copyOf(backoff);
    robots = List.copyOf(robots);
    pausedHosts = List.copyOf(pausedHosts);
    inFlight = List.copyOf(inFlight);
  }

  /** A report of a crawl without revisits. */
  public WhyReport(boolean paused, boolean draining, long queued, long leased, int activeHosts, int waitingHosts,
      int ready, List<HostWait> politeness, List<HostWait> backoff, List<HostWait> robots, List<HostKey> pausedHosts,
      List<InFlight> inFlight, boolean truncated) {
    this(paused, draining, queued, leased, activeHosts, waitingHosts, ready, politeness, backoff, robots, pausedHosts,
        inFlight, truncated, 0, List.of());
  }

  /** This report without the requests to {@code urls}: items that wait in the broker for a fetcher, not in flight. */
  public WhyReport withoutInFlight(java.util.Set<String> urls) {
    if (urls.isEmpty()) {
      return this;
    }
    return new WhyReport(paused, draining, queued, leased, activeHosts, waitingHosts, ready, politeness, backoff,
        robots, pausedHosts, inFlight.stream().filter(request -> !urls.contains(request.url())).toList(), truncated,
        scheduled, revisits);
  }

  /** A host waiting for {@code reason} until {@code until} (empty: until something else happens). */
  public record HostWait(HostKey host, String reason, Optional<Instant> until) {}

  /** A request in flight to {@code host} for {@code url}, handed out {@code age} ago. */
  public record InFlight(HostKey host, String url, java.time.Duration age) {}
}
