/**
 * A Spindle service as a node of a cluster ({@code spindle serve --cluster}): Pekko Cluster's settings
 * ({@link spindle.cluster.ClusterSettings}: address, seed nodes, the keep-majority split-brain resolver, Jackson CBOR
 * for every message between nodes), the node's parts ({@link spindle.cluster.ClusterNode}: Pekko Management's
 * endpoint, the jobs every node runs, {@code GET /api/cluster}) and the durable state of host entities in
 * pekko-persistence-jdbc. The host entities themselves, and their sharding, are in {@code spindle.engine}
 * ({@code ShardedHostRegion}); the shared frontier is {@code spindle.store.PostgresFrontier}.
 */
package spindle.cluster;
