package spindle.cluster;

import crawlercommons.domains.EffectiveTldFinder;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import spindle.core.HostKey;
import spindle.engine.HostQueue;

/**
 * Places hosts on shards: by the host's name, or by its registrable domain so that every host of a domain lives
 * on one node. The entity is always the host (its {@link HostKey#name()}): politeness is per host either way.
 */
final class HostShards extends ShardingMessageExtractor<ShardingEnvelope<HostQueue.Command>, HostQueue.Command> {
  private final int shards;
  private final ShardBy shardBy;

  HostShards(int shards, ShardBy shardBy) {
    this.shards = shards;
    this.shardBy = shardBy;
  }

  @Override
  public String entityId(ShardingEnvelope<HostQueue.Command> envelope) {
    return envelope.entityId();
  }

  @Override
  public String shardId(String entityId) {
    return Integer.toString(Math.floorMod(placement(entityId).hashCode(), shards));
  }

  @Override
  public HostQueue.Command unwrapMessage(ShardingEnvelope<HostQueue.Command> envelope) {
    return envelope.message();
  }

  /** What decides the shard of a host. */
  String placement(String entityId) {
    if (shardBy == ShardBy.HOST) {
      return entityId;
    }
    String hostname = HostKey.parse(entityId).hostname();
    String domain = EffectiveTldFinder.getAssignedDomain(hostname, true, false);
    return domain == null ? hostname : domain;
  }
}
