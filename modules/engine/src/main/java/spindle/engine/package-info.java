/**
 * The crawl engine: the actors that own state (the {@link spindle.engine.CrawlSupervisor}, one host queue per host,
 * the work broker, the fetcher pool) and the Pekko Streams pipeline that carries results from fetchers through
 * parsing to the frontier and the output. docs/architecture.md draws how they fit together.
 *
 * <p>The engine knows nothing of Cluster Sharding. Its seam for a cluster is the host queue's protocol
 * ({@link spindle.engine.HostQueue.Command}, {@link spindle.engine.HostRegion.Command}) and a
 * {@link spindle.engine.HostRegionFactory}, which the cluster module implements with sharding entities built from
 * {@link spindle.engine.HostQueues}; the messages that cross nodes implement {@link spindle.engine.ClusterMessage}.
 * A service and a cluster meet in {@link spindle.engine.jobs}.
 */
package spindle.engine;
