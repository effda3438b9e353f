package spindle.cluster;

import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.UniqueAddress;
import spindle.engine.HostQueues;
import spindle.engine.HostRegion;
import spindle.engine.HostRegionFactory;
import spindle.store.PostgresFrontier;

/**
 * The host region of one job's crawl on a cluster node: its host queues run as Cluster Sharding entities
 * ({@link ShardedHostRegion}), placed by {@code shardBy} on {@code numberOfShards} shards, keeping their operator's
 * controls in the shared database under {@code store}; the leases of a node that died are requeued in
 * {@code frontier}.
 *
 * @param store the job's store name in the shared database ({@code <cluster>.<job>}), which names its hosts' memory
 * @param frontier the job's shared frontier
 * @param shardBy what places hosts on shards
 * @param numberOfShards shards per crawl; at least ten times the largest number of nodes
 * @param silentOwnerTimeout leases of a process silent for this long are requeued even when no member was removed
 *     (the whole cluster restarted after a crash)
 */
record ShardedHosts(String store, PostgresFrontier frontier, ShardBy shardBy, int numberOfShards,
    Duration silentOwnerTimeout) implements HostRegionFactory {
  /** How often hosts that were told they have work are told again until their queue answers. */
  static final Duration WAKE_RETRY = Duration.ofSeconds(2);

  @Override
  public Behavior<HostRegion.Command> region(HostQueues queues) {
    return ShardedHostRegion.create(queues, this);
  }

  /** The lease owner of a cluster member's process: its address and the uid of this incarnation. */
  static String ownerOf(UniqueAddress member) {
    return member.address() + "#" + member.longUid();
  }
}
