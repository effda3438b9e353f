package spindle.engine;

import java.util.List;
import java.util.Optional;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;

/**
 * A parsed outcome on its way to the frontier and the output: the record to write, the in-scope links to admit,
 * and for a redirect the target to hand the URL on to. When a redirect is handed on, its record is not written
 * (the target's record will carry the chain); when its target was already seen, the record is written as it is.
 */
record Processed(CrawlUrl url, CrawlRecord record, List<CrawlUrl> outlinks, Optional<CrawlUrl> redirectTarget) {
  Processed {
    outlinks = List.copyOf(outlinks);
  }
}
