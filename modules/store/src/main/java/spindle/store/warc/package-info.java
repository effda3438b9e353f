/**
 * WARC 1.1 archives of what a crawl fetched, written with jwarc: gzipped files of one gzip member per record, rotated
 * at a size, each with a {@code warcinfo} record first and a CDXJ index beside it (pywb's format), so a replay tool
 * finds any capture without reading the files. The archive only writes; which payloads are duplicates, and where a
 * run resumes, the caller's store decides.
 */
package spindle.store.warc;
