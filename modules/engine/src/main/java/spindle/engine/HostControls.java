package spindle.engine;

import java.util.concurrent.ConcurrentHashMap;
import spindle.core.HostKey;

/**
 * The operator's changes to hosts of one crawl (delay, concurrency, paused, blocked), kept outside the host queues
 * so they survive a queue's restart and passivation. Only hosts an operator changed have an entry.
 */
final class HostControls {
  private final ConcurrentHashMap<HostKey, HostControl> controls = new ConcurrentHashMap<>();

  /** The host's controls; {@link HostControl#NONE} when nobody changed it. */
  HostControl get(HostKey host) {
    return controls.getOrDefault(host, HostControl.NONE);
  }

  /** Applies {@code change} over the host's controls and returns the result. */
  HostControl apply(HostKey host, HostControl change) {
    return controls.merge(host, change, (earlier, latest) -> latest.over(earlier));
  }
}
