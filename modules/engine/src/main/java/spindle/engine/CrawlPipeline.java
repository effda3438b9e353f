package spindle.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.RevisitSchedule;
import spindle.core.SimHash;
import spindle.store.CaptureIndex;
import spindle.store.Frontier;
import spindle.store.RecordWriter;
import spindle.store.warc.Capture;

/**
 * The results stream: fetch outcomes in, records on disk and new URLs in the frontier out.
 *
 * <pre>
 * fetchers ─offer─► queue ─► parse (mapAsyncUnordered, parse dispatcher)
 *                             ─► groupedWithin ─► archive (WARC on; mapAsync 1, blocking-io dispatcher: write WARC
 *                                                 records, commit the archive's position and payload digests)
 *                             ─► groupedWithin ─► frontier (mapAsync 1, store dispatcher: admit links and sitemaps,
 *                                                 hand on redirects)
 *                             ─► groupedWithin ─► output (mapAsync 1, blocking-io dispatcher: mark near-duplicates,
 *                                                 write records, mark done)
 * </pre>
 *
 * Every stage has bounded buffers and the queue backpressures the fetchers' offers, so a slow disk slows the fetchers
 * instead of filling memory. A URL's links are admitted before its record is written and it is marked done, so
 * "nothing queued and nothing leased" means the crawl is finished; its exchange is archived before either, so a
 * capture the frontier or the output knows of is never lost. Each element carries a {@link CommitAck}: its
 * fetcher takes new work only when the element is durable, so the stream never holds more than one URL per
 * fetcher, and a crash loses (and re-fetches) at most that many.
 */
final class CrawlPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CrawlPipeline.class);

  /**
   * What the parse stage emits: a URL's processed outcome, or what no record stands for (fetches to archive, sitemaps
   * to admit); with the acknowledgement.
   */
  sealed interface Element {
    /** Whom to tell once the element is durable. */
    CommitAck ack();
  }

  /** A processed outcome and the acknowledgement its fetcher waits for. */
  record Parsed(Processed processed, CommitAck ack) implements Element {}

  /**
   * What a robots.txt fetch leaves, no record standing for it: its exchanges to archive, the in-scope sitemaps it
   * names to admit, and the acknowledgement (given once both are done).
   */
  record Unrecorded(List<Capture> captures, List<CrawlUrl> links, CommitAck ack) implements Element {
    Unrecorded {
      captures = List.copyOf(captures);
      links = List.copyOf(links);
    }

    /** Exchanges to archive only. */
    Unrecorded(List<Capture> captures, CommitAck ack) {
      this(captures, List.of(), ack);
    }
  }

  /** A record on its way to the output, the URL it finishes, and whom to tell once it is durable. */
  record Written(CrawlRecord record, CrawlUrl url, CommitAck ack) {}

  /** Tells a host queue that the frontier has new URLs for it. */
  @FunctionalInterface
  interface HostNotifier {
    void workAvailable(HostKey host);
  }

  private CrawlPipeline() {}

  /** Parses outcomes on {@code parseExecutor}, {@code parallelism} at a time; never fails an element. */
  static Flow<Submitted, Element, NotUsed> parseStage(PageProcessor processor, Executor parseExecutor,
      int parallelism) {
    return Flow.<Submitted>create()
        .mapAsyncUnordered(parallelism, submitted -> CompletableFuture.supplyAsync(
            () -> element(processor, submitted), parseExecutor))
        .named("parse");
  }

  private static Element element(PageProcessor processor, Submitted submitted) {
    if (submitted.outcome() instanceof FetchOutcome.RobotsFetched robots) {
      List<Capture> captures = new ArrayList<>();
      robots.fetches().forEach(fetch -> captures.addAll(PageProcessor.captures(fetch)));
      return new Unrecorded(captures, processor.sitemaps(robots.sitemaps(), Optional.empty()), submitted.ack());
    }
    return new Parsed(processSafely(processor, submitted.outcome()), submitted.ack());
  }

  /**
   * Archives batches on {@code ioExecutor} ({@link Archiver}): the exchanges of every element, committed before the
   * batch goes on. Elements that are only archived are acknowledged then, and go no further.
   */
  static Flow<Element, Element, NotUsed> archiveStage(Archiver archiver, Executor ioExecutor, int batchSize,
      Duration interval) {
    return Flow.<Element>create()
        .groupedWithin(batchSize, interval)
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> {
          archiver.archive(Archiver.capturesOf(batch));
          return pagesOf(batch);
        }, ioExecutor))
        .mapConcat(parsed -> parsed)
        .named("archive-writes");
  }

  /**
   * The stand-in for the archive stage when nothing is archived: pages and sitemaps to admit go on, anything else is
   * acknowledged.
   */
  static Flow<Element, Element, NotUsed> withoutArchive() {
    return Flow.<Element>create()
        .mapConcat(element -> pagesOf(List.of(element)))
        .named("no-archive");
  }

  private static List<Element> pagesOf(List<Element> batch) {
    List<Element> pages = new ArrayList<>(batch.size());
    for (Element element : batch) {
      if (element instanceof Unrecorded unrecorded && unrecorded.links().isEmpty()) {
        element.ack().committed();
      } else {
        pages.add(element);
      }
    }
    return pages;
  }

  /**
   * Applies batches to the frontier on {@code storeExecutor}: admits links and sitemaps (the frontier deduplicates),
   * hands redirects on to their targets, and tells host queues about new work. An element without a record is
   * acknowledged once its sitemaps are admitted, and goes no further.
   */
  static Flow<Element, Written, NotUsed> frontierStage(Frontier frontier, Executor storeExecutor, int batchSize,
      Duration interval, HostNotifier notifier) {
    return Flow.<Element>create()
        .groupedWithin(batchSize, interval)
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> applyToFrontier(frontier, batch, notifier),
            storeExecutor))
        .mapConcat(written -> written)
        .named("frontier-writes");
  }

  /** Writes batches of records on {@code ioExecutor}, then marks their URLs done in the frontier. */
  static Flow<Written, List<Written>, NotUsed> outputStage(RecordWriter writer, Frontier frontier,
      Executor ioExecutor, int batchSize, Duration interval, CrawlMetrics metrics) {
    return outputStage(writer, frontier, Optional.empty(), ioExecutor, batchSize, interval, metrics);
  }

  /**
   * Writes batches of records on {@code ioExecutor}, then marks their URLs done in the frontier; with
   * {@code nearDuplicates}, a page's record first gets the URL of an earlier page whose SimHash is near its own.
   */
  static Flow<Written, List<Written>, NotUsed> outputStage(RecordWriter writer, Frontier frontier,
      Optional<CaptureIndex> nearDuplicates, Executor ioExecutor, int batchSize, Duration interval,
      CrawlMetrics metrics) {
    return outputStage(writer, frontier, nearDuplicates, RevisitSchedule.NONE, ioExecutor, batchSize, interval,
        metrics);
  }

  /**
   * {@link #outputStage(RecordWriter, Frontier, Optional, Executor, int, Duration, CrawlMetrics)} in a crawl that
   * revisits pages: a URL whose visit was remembered ({@link CrawlUrl#lastVisit()}) and that is owed another is
   * scheduled for it ({@link RevisitSchedule#nextVisit}) in the same frontier write that completes it.
   */
  static Flow<Written, List<Written>, NotUsed> outputStage(RecordWriter writer, Frontier frontier,
      Optional<CaptureIndex> nearDuplicates, RevisitSchedule revisits, Executor ioExecutor, int batchSize,
      Duration interval, CrawlMetrics metrics) {
    return Flow.<Written>create()
        .groupedWithin(batchSize, interval)
        .mapAsync(1, batch -> CompletableFuture.supplyAsync(() -> write(writer, frontier, nearDuplicates, revisits,
            batch, metrics), ioExecutor))
        .named("output-writes");
  }

  /** The whole stream, from a queue that takes up to {@code maxOffers} concurrent offers to a sink. */
  static RunnableGraph<Pair<SourceQueueWithComplete<Submitted>, CompletionStage<Done>>> graph(int buffer,
      int maxOffers, Flow<Submitted, Element, NotUsed> parse, Flow<Element, Element, NotUsed> archive,
      Flow<Element, Written, NotUsed> frontier, Flow<Written, List<Written>, NotUsed> output) {
    return Source.<Submitted>queue(buffer, OverflowStrategy.backpressure(), maxOffers)
        .via(parse)
        .via(archive)
        .via(frontier)
        .via(output)
        .toMat(Sink.ignore(), Keep.both());
  }

  private static Processed processSafely(PageProcessor processor, FetchOutcome outcome) {
    try {
      return processor.process(outcome);
    } catch (RuntimeException bug) { // never drop an element: the URL would stay leased and the crawl never end
      CrawlUrl url = outcome instanceof FetchOutcome.Fetched fetched ? fetched.url()
          : ((FetchOutcome.Rejected) outcome).url();
      LOG.error("processing failed url={}", url, bug);
      CrawlRecord record = CrawlRecord.builder(url).error(ErrorKind.INTERNAL, bug.toString()).build();
      return new Processed(url, record, List.of(), Optional.empty());
    }
  }

  private static List<Written> applyToFrontier(Frontier frontier, List<Element> batch, HostNotifier notifier) {
    List<CrawlUrl> links = new ArrayList<>();
    List<Written> written = new ArrayList<>(batch.size());
    List<CommitAck> handedOn = new ArrayList<>();
    Set<HostKey> notify = new LinkedHashSet<>();
    for (Element element : batch) {
      if (element instanceof Unrecorded unrecorded) {
        links.addAll(unrecorded.links());
        handedOn.add(unrecorded.ack()); // durable once admitted, below
        continue;
      }
      Parsed parsed = (Parsed) element;
      Processed processed = parsed.processed();
      links.addAll(processed.outlinks());
      if (processed.redirectTarget().isPresent()) {
        CrawlUrl target = processed.redirectTarget().get();
        if (frontier.redirect(processed.url(), target)) {
          notify.add(target.host());
          handedOn.add(parsed.ack()); // durable now: the target's record will carry the chain
          continue;
        }
      }
      written.add(new Written(processed.record(), processed.url(), parsed.ack()));
    }
    for (CrawlUrl accepted : frontier.add(links)) {
      notify.add(accepted.host());
    }
    notify.forEach(notifier::workAvailable);
    handedOn.forEach(CommitAck::committed);
    return written;
  }

  private static List<Written> write(RecordWriter writer, Frontier frontier, Optional<CaptureIndex> nearDuplicates,
      RevisitSchedule revisits, List<Written> batch, CrawlMetrics metrics) {
    List<CrawlRecord> records = new ArrayList<>(batch.size());
    List<Frontier.Completion> completions = new ArrayList<>(batch.size());
    for (Written item : batch) {
      records.add(item.record());
      boolean failed = item.record().error().isPresent();
      // only a visit the parse stage recorded (its record has a visit number) is scheduled again: a revisit that
      // ended in a redirect to a URL seen before carries its previous LastVisit, which would be due at once, forever
      Optional<Instant> revisitAt = failed || item.record().visit().isEmpty() ? Optional.empty()
          : item.url().lastVisit().flatMap(revisits::nextVisit);
      completions.add(new Frontier.Completion(item.url(), failed, revisitAt));
    }
    nearDuplicates.ifPresent(index -> markNearDuplicates(index, records));
    long before = writer.position();
    try {
      writer.write(records);
    } catch (IOException failed) {
      throw new UncheckedIOException("cannot write records: " + failed.getMessage(), failed);
    }
    long after = writer.position();
    frontier.complete(completions, after);
    metrics.outputWritten(after - before);
    records.forEach(metrics::recorded);
    batch.forEach(item -> item.ack().committed());
    return batch;
  }

  /**
   * Gives each page among {@code records} (a SimHash, no error) the URL of an earlier page whose SimHash is near its
   * own, as {@code index} finds it; the pages are remembered for later ones.
   */
  private static void markNearDuplicates(CaptureIndex index, List<CrawlRecord> records) {
    List<Integer> positions = new ArrayList<>();
    List<CaptureIndex.PageFingerprint> pages = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      CrawlRecord record = records.get(i);
      if (record.simhash().isPresent() && record.error().isEmpty()) {
        positions.add(i);
        pages.add(new CaptureIndex.PageFingerprint(record.url(), SimHash.parseHex(record.simhash().get())));
      }
    }
    if (pages.isEmpty()) {
      return;
    }
    List<Optional<String>> matches = index.nearDuplicates(pages);
    for (int k = 0; k < positions.size(); k++) {
      int position = positions.get(k);
      matches.get(k).ifPresent(earlier -> records.set(position, records.get(position).toBuilder()
          .nearDuplicateOf(earlier).build()));
    }
  }
}
