package spindle.admin;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import spindle.core.CrawlUrl;
import spindle.engine.CrawlJob;
import spindle.engine.CrawlSettings;
import spindle.engine.CrawlSummary;
import spindle.engine.HostRegionFactory;
import spindle.engine.ProgressListener;
import spindle.fetch.PageFetcher;
import spindle.store.Frontier;
import spindle.store.RecordWriter;
import spindle.store.warc.WarcArchive;

/**
 * A job whose store and output are open, ready to crawl. The job manager turns it into a {@link CrawlJob} and
 * {@link #close() closes} it once the crawl has ended (the crawl closes the writer itself; closing it again does
 * nothing).
 *
 * @param name the job's name
 * @param settings the job's validated settings
 * @param seeds the canonical seeds
 * @param frontier the open store
 * @param writer the open output, positioned after the last committed record
 * @param fetcherFactory builds the page fetcher on the service's actor system
 * @param resumeNote a line saying what was resumed, or empty for a new crawl
 * @param resources closes the store, the output and anything else the job opened (a demo site)
 * @param hosts the region of the job's host queues, on a node of a cluster (they run as sharding entities there);
 *     empty for a local one
 * @param archive the open WARC archive when the job archives what it fetches ({@code spindle.warc.dir}); the fetcher
 *     factory then keeps exchanges, and {@code resources} closes the archive too
 */
public record PreparedJob(String name, CrawlSettings settings, List<CrawlUrl> seeds, Frontier frontier,
    RecordWriter writer, Function<ActorSystem<?>, PageFetcher> fetcherFactory, Optional<String> resumeNote,
    Resources resources, Optional<HostRegionFactory> hosts, Optional<WarcArchive> archive) implements AutoCloseable {
  public PreparedJob {
    seeds = List.copyOf(seeds);
    Objects.requireNonNull(frontier, "frontier");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(hosts, "hosts");
    Objects.requireNonNull(archive, "archive");
  }

  /** A job that archives nothing. */
  public PreparedJob(String name, CrawlSettings settings, List<CrawlUrl> seeds, Frontier frontier,
      RecordWriter writer, Function<ActorSystem<?>, PageFetcher> fetcherFactory, Optional<String> resumeNote,
      Resources resources, Optional<HostRegionFactory> hosts) {
    this(name, settings, seeds, frontier, writer, fetcherFactory, resumeNote, resources, hosts, Optional.empty());
  }

  /** A job of a single service, not of a cluster. */
  public PreparedJob(String name, CrawlSettings settings, List<CrawlUrl> seeds, Frontier frontier,
      RecordWriter writer, Function<ActorSystem<?>, PageFetcher> fetcherFactory, Optional<String> resumeNote,
      Resources resources) {
    this(name, settings, seeds, frontier, writer, fetcherFactory, resumeNote, resources, Optional.empty());
  }

  /** What a prepared job holds open. */
  @FunctionalInterface
  public interface Resources {
    /** Closes everything; called once, from a blocking dispatcher. */
    void close() throws IOException;
  }

  /** The crawl of this job, with meters in {@code registry}, progress to {@code progress} and the summary to {@code result}. */
  public CrawlJob crawlJob(MeterRegistry registry, ProgressListener progress, CompletableFuture<CrawlSummary> result) {
    return new CrawlJob(settings, seeds, frontier, writer, registry, fetcherFactory, Optional.empty(), progress, result,
        hosts, archive);
  }

  /** Closes the store, the output and the rest; may block. */
  @Override
  public void close() throws IOException {
    resources.close();
  }
}
