/**
 * Spindle's domain: the URLs a crawl admits ({@link spindle.core.CrawlUrl}), the politeness key
 * ({@link spindle.core.HostKey}), the record written for each URL ({@link spindle.core.CrawlRecord}), the
 * closed set of failure kinds ({@link spindle.core.ErrorKind}) and the scope rules. No I/O, no Pekko: everything
 * here is testable without a socket or an actor system.
 */
package spindle.core;
