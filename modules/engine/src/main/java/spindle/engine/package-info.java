/**
 * The crawl engine: the actors that own state (the {@link spindle.engine.CrawlSupervisor}, one host queue per host,
 * the work broker, the fetcher pool) and the Pekko Streams pipeline that carries results from fetchers through
 * parsing to the frontier and the output. docs/architecture.md draws how they fit together. In a cluster the host
 * queues are Cluster Sharding entities ({@code ShardedHostRegion}, {@code HostEntities}) and the messages that cross
 * nodes implement {@link spindle.engine.ClusterMessage}.
 */
package spindle.engine;
