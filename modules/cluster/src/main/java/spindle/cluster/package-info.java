/**
 * A Spindle service as a node of a cluster ({@code spindle serve --cluster}): Pekko Cluster's settings
 * ({@link spindle.cluster.ClusterSettings}: address, seed nodes, the keep-majority split-brain resolver, Jackson CBOR
 * for every message between nodes), the node's parts ({@link spindle.cluster.ClusterNode}: Pekko Management's
 * endpoint, its side of the cluster's jobs table, {@code GET /api/cluster}), and every Cluster Sharding class: the
 * host queues of each crawl as sharding entities ({@code HostEntity}, {@code HostShards}, {@code ShardedHostRegion},
 * the engine's {@link spindle.engine.HostRegionFactory} as {@code ShardedHosts}), the gates of servers whose hosts
 * share politeness and the servers every node agrees on ({@code ServerGates}, {@code HostServers}:
 * {@code spindle.politeness.key} {@code ip} or {@code domain}), their durable state in pekko-persistence-jdbc, and
 * the recovery of a dead node's work. It depends on the engine and the store only: the service's jobs are reached
 * through {@link spindle.engine.jobs}. The shared frontier is {@code spindle.store.PostgresFrontier}.
 */
package spindle.cluster;
