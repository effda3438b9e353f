package spindle.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import spindle.store.CaptureIndex;
import spindle.store.warc.Archived;
import spindle.store.warc.Capture;
import spindle.store.warc.WarcArchive;

/**
 * The archive stage's work on one batch: each exchange becomes a response record, or a revisit when its payload was
 * archived before in this crawl (earlier in the batch, or in an earlier batch as the store's digest index says), then
 * a request record; then the archive's new position and the first captures of the batch's new payloads are committed
 * in one atomic write of the store ({@link CaptureIndex#archive}: where nodes share the index, the batch's digests
 * are held against the other nodes from the look-up to the commit). A batch is committed before any of its URLs reaches the frontier, so after a kill
 * the archive is cut back to a position that holds every capture the frontier or the output know of: nothing is lost,
 * and the only duplicates are captures of URLs that were in flight (fetched again, and then written as revisits).
 *
 * <p>Owns the archive; used by one stream stage at a time, on the blocking-I/O dispatcher.
 */
final class Archiver {
  private final WarcArchive archive;
  private final CaptureIndex index;
  private final CrawlMetrics metrics;

  Archiver(WarcArchive archive, CaptureIndex index, CrawlMetrics metrics) {
    this.archive = archive;
    this.index = index;
    this.metrics = metrics;
  }

  /** Archives {@code captures} in order and commits them; a failure to write is an {@link UncheckedIOException}. */
  void archive(List<Capture> captures) {
    if (captures.isEmpty()) {
      return;
    }
    String[] digests = new String[captures.size()];
    Set<String> payloads = new LinkedHashSet<>();
    for (int i = 0; i < digests.length; i++) {
      Capture capture = captures.get(i);
      byte[] payload = capture.payload();
      if (capture.notModified()) { // a revisit of the page as last visited: look that payload's capture up
        capture.notModifiedDigest().ifPresent(payloads::add);
      } else if (payload.length > 0) { // an empty payload is nothing worth referring to: always a response
        digests[i] = WarcArchive.sha1(payload);
        payloads.add(digests[i]);
      }
    }
    long before = archive.bytes();
    index.archive(payloads, known -> write(captures, digests, known));
    metrics.warcWritten(archive.bytes() - before);
  }

  /**
   * Writes the batch, each capture with a known payload ({@code known}, or earlier in the batch) as a revisit; returns
   * the position after it and the first captures of its new payloads.
   */
  private CaptureIndex.Batch write(List<Capture> captures, String[] digests, Map<String, WarcArchive.Original> known) {
    Map<String, WarcArchive.Original> first = new HashMap<>();
    try {
      for (int i = 0; i < digests.length; i++) {
        Capture capture = captures.get(i);
        String digest = digests[i];
        Optional<WarcArchive.Original> original = Optional.empty();
        String looked = capture.notModified() ? capture.notModifiedDigest().orElse(null) : digest;
        if (looked != null) {
          original = Optional.ofNullable(known.get(looked)).or(() -> Optional.ofNullable(first.get(looked)));
        }
        Archived archived = archive.archive(capture, original);
        if (!archived.revisit() && digest != null) {
          first.putIfAbsent(digest, new WarcArchive.Original(archived.recordId(), capture.url(), archived.date()));
        }
      }
      return new CaptureIndex.Batch(archive.position(), first);
    } catch (IOException failed) {
      throw new UncheckedIOException("cannot write the WARC archive in " + archive.directory() + ": "
          + failed.getMessage(), failed);
    }
  }

  /** The captures of {@code elements}, in order. */
  static List<Capture> capturesOf(List<CrawlPipeline.Element> elements) {
    List<Capture> captures = new ArrayList<>();
    for (CrawlPipeline.Element element : elements) {
      if (element instanceof CrawlPipeline.Parsed parsed) {
        captures.addAll(parsed.processed().captures());
      } else if (element instanceof CrawlPipeline.Unrecorded unrecorded) {
        captures.addAll(unrecorded.captures());
      }
    }
    return captures;
  }
}
