package spindle.engine;

/**
 * robots.txt is not known yet (a new host, or its cached copy expired): no page is offered. The robots.txt request
 * is offered like a page, once the window holds a URL, a slot is free and the delay has passed; then it is in
 * flight ({@link RobotsState.Fetching}) until its answer moves the queue on.
 */
final class HostQueueFetchingRobots extends HostQueueRunning {
  private final RobotsState robots;

  /** {@code robots} is {@link RobotsState.Unknown} or {@link RobotsState.Fetching}. */
  HostQueueFetchingRobots(HostQueueData data, RobotsState robots) {
    super(data);
    this.robots = robots;
  }

  @Override
  RobotsState robots() {
    return robots;
  }

  @Override
  HostQueueRunning offerInPhase() {
    if (robots instanceof RobotsState.Unknown && !data.window.isEmpty() && data.slotFree() && data.delayPassed()) {
      data.offerRobots();
      return new HostQueueFetchingRobots(data, new RobotsState.Fetching(robots.failures()));
    }
    return this;
  }
}
