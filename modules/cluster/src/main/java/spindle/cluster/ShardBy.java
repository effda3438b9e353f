package spindle.cluster;

/**
 * What places hosts on shards ({@code spindle.cluster.shard-by}) when politeness is per host; with politeness per
 * server ({@code spindle.politeness.key} {@code ip} or {@code domain}) hosts are placed by their server instead.
 */
public enum ShardBy {
  /** Each host by its own name: the hosts of a domain spread over the nodes. */
  HOST,
  /** Each host by its registrable domain: every host of a domain lives on one node. */
  DOMAIN
}
