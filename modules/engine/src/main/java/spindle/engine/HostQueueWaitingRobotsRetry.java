package spindle.engine;

/**
 * robots.txt was unavailable (5xx or unreachable): the whole host is disallowed, so nothing is offered, until its
 * retry is due ({@link HostQueue.RetryRobots}, after {@code spindle.robots.error-retry-interval}).
 */
final class HostQueueWaitingRobotsRetry extends HostQueueRunning {
  private final RobotsState.WaitingRetry robots;

  HostQueueWaitingRobotsRetry(HostQueueData data, RobotsState.WaitingRetry robots) {
    super(data);
    this.robots = robots;
  }

  @Override
  RobotsState robots() {
    return robots;
  }

  @Override
  HostQueueRunning offerInPhase() {
    return this;
  }
}
