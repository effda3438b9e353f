package spindle.engine;

import java.util.List;
import java.util.Optional;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.store.warc.Capture;

/**
 * A parsed outcome on its way to the archive, the frontier and the output: the record to write, the in-scope links to
 * admit, for a redirect the target to hand the URL on to, and the exchange to archive when WARC is on. When a redirect
 * is handed on, its record is not written (the target's record will carry the chain), but its exchange is archived;
 * when its target was already seen, the record is written as it is.
 */
record Processed(CrawlUrl url, CrawlRecord record, List<CrawlUrl> outlinks, Optional<CrawlUrl> redirectTarget,
    List<Capture> captures) {
  Processed {
    outlinks = List.copyOf(outlinks);
    captures = List.copyOf(captures);
  }

  /** An outcome with nothing to archive (WARC off, or no response). */
  Processed(CrawlUrl url, CrawlRecord record, List<CrawlUrl> outlinks, Optional<CrawlUrl> redirectTarget) {
    this(url, record, outlinks, redirectTarget, List.of());
  }
}
