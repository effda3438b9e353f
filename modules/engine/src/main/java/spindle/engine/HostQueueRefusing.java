package spindle.engine;

import spindle.core.ErrorKind;

/**
 * No URL of the host can be fetched: robots.txt stayed unavailable after every retry ({@code ROBOTS_UNAVAILABLE}, or
 * {@code DNS_FAILURE} when the host's name did not resolve)
 * or the address policy refuses the host's address ({@code ADDRESS_BLOCKED}). Every URL gets that record without
 * a request, so the crawl can finish.
 */
final class HostQueueRefusing extends HostQueueRunning {
  private final RobotsState robots;

  /** {@code robots} is {@link RobotsState.GaveUp} or {@link RobotsState.AddressBlocked}. */
  HostQueueRefusing(HostQueueData data, RobotsState robots) {
    super(data);
    this.robots = robots;
  }

  @Override
  RobotsState robots() {
    return robots;
  }

  @Override
  HostQueueRunning offerInPhase() {
    if (robots instanceof RobotsState.AddressBlocked blocked) {
      data.rejectWindow(ErrorKind.ADDRESS_BLOCKED, blocked.reason());
      data.refill();
    } else if (robots instanceof RobotsState.GaveUp gaveUp && gaveUp.unresolved().isPresent()) {
      data.rejectWindow(ErrorKind.DNS_FAILURE, gaveUp.unresolved().get() + " (robots.txt asked " + robots.failures()
          + " times)");
    } else {
      data.rejectWindow(ErrorKind.ROBOTS_UNAVAILABLE, "robots.txt unavailable after " + robots.failures()
          + " attempts");
    }
    return this;
  }
}
