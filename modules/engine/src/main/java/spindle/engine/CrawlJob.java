package spindle.engine;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import spindle.core.CrawlUrl;
import spindle.fetch.PageFetcher;
import spindle.store.Frontier;
import spindle.store.RecordWriter;
import spindle.store.warc.WarcArchive;

/**
 * Everything one crawl needs: settings, seeds, where state and records go, how pages are fetched and parsed, who
 * hears about progress, and the future completed with the summary when the crawl ends. The supervisor owns the
 * frontier and writer from start to end and closes the writer when the stream has drained.
 *
 * @param settings the validated settings
 * @param seeds canonical seeds (see {@link Seeds})
 * @param frontier the URL store
 * @param writer the record output
 * @param registry where meters are registered
 * @param fetcherFactory builds the page fetcher on the crawl's actor system (normally {@code HttpFetcher.create}
 *     with the job's {@code AddressPolicy}, decided from its seeds)
 * @param parsing the parse step, or empty for jsoup with the settings' options
 * @param progress receives progress snapshots
 * @param result completed once with the summary
 * @param hosts the region of the crawl's host queues; empty for a local {@link HostRegion} (a cluster node gives
 *     one whose queues are Cluster Sharding entities)
 * @param archive the WARC archive, open at the position the frontier's {@link Frontier#captures() capture index}
 *     committed, when the crawl archives what it fetches; the fetcher factory must then keep exchanges
 *     ({@code HttpFetcher.archiving}). The supervisor closes it with the writer.
 */
public record CrawlJob(CrawlSettings settings, List<CrawlUrl> seeds, Frontier frontier, RecordWriter writer,
    MeterRegistry registry, Function<ActorSystem<?>, PageFetcher> fetcherFactory,
    java.util.Optional<PageParsing> parsing, ProgressListener progress, CompletableFuture<CrawlSummary> result,
    java.util.Optional<HostRegionFactory> hosts, java.util.Optional<WarcArchive> archive) {
  public CrawlJob {
    seeds = List.copyOf(seeds);
    if (archive.isPresent() && frontier.captures().isEmpty()) {
      throw new IllegalArgumentException("a WARC archive needs a frontier with a capture index (rocksdb or memory)");
    }
  }

  /** A crawl that archives nothing. */
  public CrawlJob(CrawlSettings settings, List<CrawlUrl> seeds, Frontier frontier, RecordWriter writer,
      MeterRegistry registry, Function<ActorSystem<?>, PageFetcher> fetcherFactory,
      java.util.Optional<PageParsing> parsing, ProgressListener progress, CompletableFuture<CrawlSummary> result,
      java.util.Optional<HostRegionFactory> hosts) {
    this(settings, seeds, frontier, writer, registry, fetcherFactory, parsing, progress, result, hosts,
        java.util.Optional.empty());
  }

  /** A crawl on a single node: its hosts' queues run in a local region. */
  public CrawlJob(CrawlSettings settings, List<CrawlUrl> seeds, Frontier frontier, RecordWriter writer,
      MeterRegistry registry, Function<ActorSystem<?>, PageFetcher> fetcherFactory,
      java.util.Optional<PageParsing> parsing, ProgressListener progress, CompletableFuture<CrawlSummary> result) {
    this(settings, seeds, frontier, writer, registry, fetcherFactory, parsing, progress, result,
        java.util.Optional.empty());
  }
}
