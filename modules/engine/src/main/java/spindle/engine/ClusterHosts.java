package spindle.engine;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.cluster.UniqueAddress;
import spindle.core.HostKey;

/**
 * What a crawl needs to run its host queues as Cluster Sharding entities: the durable memory of each host, and the
 * shared frontier's lease recovery for nodes that died. Present in {@link CrawlJob} only when the node runs in a
 * cluster; the crawl then routes by host through sharding instead of a local region.
 *
 * @param memory the durable state of host entities
 * @param leases requeues the URLs leased by a dead node, so other nodes fetch them
 * @param shardBy what places hosts on shards: {@code host}, or {@code domain} (every host of a registrable
 *     domain on the same node)
 * @param numberOfShards shards per crawl; at least ten times the largest number of nodes
 * @param silentOwnerTimeout leases of a process silent for this long are requeued even when no member was
 *     removed (the whole cluster restarted after a crash)
 */
public record ClusterHosts(HostMemory memory, LeaseRecovery leases, ShardBy shardBy, int numberOfShards,
    Duration silentOwnerTimeout) {
  /** What places hosts on shards. */
  public enum ShardBy { HOST, DOMAIN }

  /** Lease recovery on the shared frontier. */
  public interface LeaseRecovery {
    /** Requeues every URL leased by {@code owner}; returns the hosts that got URLs back. */
    List<HostKey> requeueLeasesOf(String owner);

    /** Requeues the leases of every other process silent for longer than {@code silence}; returns their hosts. */
    List<HostKey> requeueLeasesOfSilentOwners(Duration silence);
  }

  /** The sharding entity type of {@code job}'s hosts (for sharding's statistics). */
  public static org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey<?> entityTypeKey(String job) {
    return HostEntities.typeKey(job);
  }

  /** The lease owner of a cluster member's process: its address and the uid of this incarnation. */
  public static String ownerOf(UniqueAddress member) {
    return member.address() + "#" + member.longUid();
  }
}
