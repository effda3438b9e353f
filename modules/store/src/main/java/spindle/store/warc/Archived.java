package spindle.store.warc;

import java.time.Instant;

/**
 * What archiving a capture wrote: its payload digest, and where its response (or revisit) record lies.
 *
 * @param payloadDigest {@code sha1:} and the base32 SHA-1 of the payload, as in {@code WARC-Payload-Digest}
 * @param revisit whether a revisit record stands for it (the payload was archived before)
 * @param file the WARC file
 * @param offset where the record starts in it
 * @param length the record's length in the file (compressed)
 * @param date the record's WARC-Date, the capture's date
 * @param recordId the response or revisit record's WARC-Record-ID, which a later revisit refers to
 */
public record Archived(String payloadDigest, boolean revisit, String file, long offset, long length, Instant date,
    java.net.URI recordId) {}
