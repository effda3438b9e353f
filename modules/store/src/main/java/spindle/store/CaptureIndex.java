package spindle.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * What a crawl remembers of the content it fetched, kept in the job's store beside its frontier so that it lasts as
 * long as the crawl: where its WARC archive stands, the first capture of every payload it archived (so a payload
 * seen again is written as a revisit), and the SimHashes of its pages in bounded bands (so a page that says almost
 * what an earlier one said is marked as a near-duplicate).
 *
 * <p>Thread-safe; calls may block on disk: make them from a blocking dispatcher.
 */
public interface CaptureIndex {
  /** The archive's position committed last; {@link WarcPosition#START} before the first commit. */
  WarcPosition warcPosition();

  /**
   * The first capture of each of {@code payloadDigests} that was archived before (committed by
   * {@link #commitArchive}), by digest; digests never archived are absent.
   */
  Map<String, WarcArchive.Original> originals(Collection<String> payloadDigests);

  /**
   * Records in one atomic write that the archive holds everything up to {@code position}, including the first
   * captures of the payloads in {@code originals} (digest to capture). A digest already known keeps its first capture.
   */
  void commitArchive(WarcPosition position, Map<String, WarcArchive.Original> originals);

  /**
   * Remembers the SimHashes of {@code pages} and returns, for each page in order, the URL of an earlier page (of an
   * earlier call, or earlier in the list) whose SimHash is at most {@link spindle.core.SimHash#NEAR} bits away,
   * the closest first and the oldest among equals; empty when there is none. A page never matches its own URL (a
   * page fetched again after a kill), and a SimHash of 0 (a page without words) matches nothing. The index is
   * bounded: for each of the four 16-bit bands of a SimHash it keeps the {@value SimHashBands#ENTRIES_PER_BAND}
   * most recent distinct pages, so a near-duplicate of a page many similar pages ago can be missed.
   */
  List<Optional<String>> nearDuplicates(List<PageFingerprint> pages);

  /** A page's URL and the SimHash of its text. */
  record PageFingerprint(String url, long simhash) {}
}
