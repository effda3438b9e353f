package spindle.cluster;

import crawlercommons.domains.EffectiveTldFinder;
import java.util.Optional;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import spindle.core.HostKey;
import spindle.engine.HostQueue;

/**
 * Places hosts on shards: by the host's name, or by its registrable domain so that every host of a domain lives
 * on one node; or, when several host names may be one server for politeness ({@code spindle.politeness.key} {@code ip}
 * or {@code domain}), by the host's server, so that every host of a server lives on one node and its queues there
 * share one gate. The entity is always one host: its id is the host's {@link HostKey#name()}, or
 * {@code "<server> <host name>"} when it carries its server (a host name never holds a space), so the shard of an
 * entity is a pure function of its id on every node.
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

  /** The entity id of {@code host}: its name, or {@code "<server> <name>"} when placed by its {@code server}. */
  static String entityId(Optional<String> server, HostKey host) {
    return server.map(key -> key + " " + host.name()).orElse(host.name());
  }

  /** The host of entity {@code entityId}. */
  static HostKey host(String entityId) {
    return HostKey.parse(entityId.substring(entityId.lastIndexOf(' ') + 1));
  }

  /** The server entity {@code entityId} carries; empty when its host is placed by its own name or domain. */
  static Optional<String> server(String entityId) {
    int space = entityId.lastIndexOf(' ');
    return space < 0 ? Optional.empty() : Optional.of(entityId.substring(0, space));
  }

  /** What decides the shard of a host: its server when the entity carries one, else as {@code shardBy} says. */
  String placement(String entityId) {
    Optional<String> server = server(entityId);
    if (server.isPresent()) {
      return server.get();
    }
    if (shardBy == ShardBy.HOST) {
      return entityId;
    }
    String hostname = HostKey.parse(entityId).hostname();
    String domain = EffectiveTldFinder.getAssignedDomain(hostname, true, false);
    return domain == null ? hostname : domain;
  }
}
