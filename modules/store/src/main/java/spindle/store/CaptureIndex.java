package spindle.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/**
 * What a crawl remembers of the content it fetched, kept in the job's store beside its frontier so that it lasts as
 * long as the crawl: where its WARC archive stands, the first capture of every payload it archived (so a payload
 * seen again is written as a revisit), and the SimHashes of its pages in bounded bands (so a page that says almost
 * what an earlier one said is marked as a near-duplicate).
 *
 * <p>Thread-safe; calls may block on disk or on the database: make them from a blocking dispatcher. Each archive
 * has its own position: one per store, or one per node of a cluster sharing a PostgreSQL store; the digests and the
 * bands are the whole crawl's.
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
   * Archives one batch: {@code write} is given the first captures of those of {@code payloadDigests} archived before
   * (as {@link #originals} finds them), writes the batch and returns what it wrote, which is committed as
   * {@link #commitArchive} does. An index that several archives share (the nodes of a cluster) keeps the others from
   * looking up or committing any of these digests from the look-up to the commit, so a payload new to the crawl is
   * archived as a response once however many nodes fetch it at the same moment. When {@code write} throws, nothing
   * is committed and its exception is thrown.
   */
  default void archive(Collection<String> payloadDigests, Function<Map<String, WarcArchive.Original>, Batch> write) {
    Batch written = write.apply(originals(payloadDigests));
    commitArchive(written.position(), written.originals());
  }

  /**
   * What an archive wrote in one batch.
   *
   * @param position the archive's position after the batch
   * @param originals the first captures of the payloads new in the batch, by digest
   */
  record Batch(WarcPosition position, Map<String, WarcArchive.Original> originals) {
    /** Copies the map: the batch is committed after the writer returns. */
    public Batch {
      originals = Map.copyOf(originals);
    }
  }

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
