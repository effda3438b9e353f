package spindle.engine;

import spindle.core.ErrorKind;

/**
 * robots.txt rules are in force (or robots.txt is off): URLs they disallow get a {@code ROBOTS_DISALLOWED} record,
 * and the others are offered one by one while a slot is free and the politeness clock allows a request (the
 * effective delay since the end of the last request, and any backoff). When the rules expire, robots.txt is fetched
 * again before the next page, once nothing is in flight.
 */
final class HostQueueActive extends HostQueueRunning {
  private final RobotsState.Ready rules;

  HostQueueActive(HostQueueData data, RobotsState.Ready rules) {
    super(data);
    this.rules = rules;
  }

  @Override
  RobotsState robots() {
    return rules;
  }

  @Override
  HostQueueRunning offerInPhase() {
    HostWindow window = data.window;
    if (rules.expired(data.now()) && data.requestsInFlight() == 0 && !window.isEmpty()) {
      return new HostQueueFetchingRobots(data, new RobotsState.Unknown(0)).offerInPhase();
    }
    while (!window.isEmpty() && data.mayReject()) {
      HostWindow.Pending next = window.peek();
      if (!rules.policy().isAllowed(next.url().url())) {
        window.poll();
        data.offerReject(next.url(), ErrorKind.ROBOTS_DISALLOWED,
            "robots.txt disallows it for " + data.deps.robotsAgent());
        continue;
      }
      if (!data.slotFree() || !data.delayPassed()) {
        break;
      }
      window.poll();
      data.offerPage(next);
    }
    data.refill();
    return this;
  }
}
