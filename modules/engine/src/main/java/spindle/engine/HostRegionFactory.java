package spindle.engine;

import org.apache.pekko.actor.typed.Behavior;

/**
 * How a crawl reaches its host queues: the behaviour of the region that routes host messages ({@link HostRegion}'s
 * protocol) to them. A crawl without one runs its queues in a local {@link HostRegion}; a cluster node gives its
 * crawls one whose queues are Cluster Sharding entities, one per host in the whole cluster.
 */
@FunctionalInterface
public interface HostRegionFactory {
  /** The region of a crawl whose host queues share {@code queues}; spawned once, by the crawl's supervisor. */
  Behavior<HostRegion.Command> region(HostQueues queues);
}
