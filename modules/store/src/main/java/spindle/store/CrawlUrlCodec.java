package spindle.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.LastVisit;

/**
 * The compact binary form of a {@link CrawlUrl} without its host, which the store keeps in the key next to it.
 *
 * <p>Layout: {@code varint depth, varint length + UTF-8 url, parent, varint count, redirects}. The parent and each
 * redirect usually share a long prefix with the URL (same scheme and host), so each is written as {@code varint
 * shared} (bytes of the URL's UTF-8 form it starts with; for the parent, 0 means "no parent" and the count is
 * shared + 1) and the length-prefixed rest. Lengths are varints, so URLs of any length (even over 64 KiB) fit.
 *
 * <p>A sitemap, or a page a sitemap dated, has one more part at the end: {@code varint flags} (bit 0: a sitemap,
 * bit 1: a lastmod follows) and the lastmod as 8 bytes of epoch milliseconds. A plain page has none, so its form
 * is what it was before sitemaps, and stores written then read unchanged. This works because the URL is always
 * the last thing of a value that holds one (a queue entry, and the lease that keeps the queue entry).
 *
 * <p>A URL due for a revisit also remembers its last visit ({@link LastVisit}): flag bit 2, then after the lastmod
 * (if any) the visit's time (8 bytes, epoch ms), varint visits, varint interval (ms), varint presence bits (1: ETag,
 * 2: Last-Modified, 4: digest) and each present value length-prefixed in UTF-8.
 */
final class CrawlUrlCodec {
  private static final int SITEMAP = 1;
  private static final int LAST_MODIFIED = 2;
  private static final int LAST_VISIT = 4;
  private static final int ALL_FLAGS = SITEMAP | LAST_MODIFIED | LAST_VISIT;

  private CrawlUrlCodec() {}

  /** Appends the form of {@code url} to {@code out}. */
  static void write(ByteWriter out, CrawlUrl url) {
    byte[] self = url.url().getBytes(UTF_8);
    out.writeVarint(url.depth());
    out.writeLengthPrefixed(self);
    Optional<String> parent = url.parent();
    if (parent.isEmpty()) {
      out.writeVarint(0);
    } else {
      writeShared(out, self, parent.get().getBytes(UTF_8), 1);
    }
    out.writeVarint(url.redirects().size());
    for (String redirect : url.redirects()) {
      writeShared(out, self, redirect.getBytes(UTF_8), 0);
    }
    int flags = (url.isSitemap() ? SITEMAP : 0) | (url.lastModified().isPresent() ? LAST_MODIFIED : 0)
        | (url.lastVisit().isPresent() ? LAST_VISIT : 0);
    if (flags != 0) {
      out.writeVarint(flags);
      url.lastModified().ifPresent(lastModified -> out.writeLong(lastModified.toEpochMilli()));
      url.lastVisit().ifPresent(visit -> writeVisit(out, visit));
    }
  }

  private static void writeVisit(ByteWriter out, LastVisit visit) {
    out.writeLong(visit.at().toEpochMilli());
    out.writeVarint(visit.visits());
    out.writeVarint(visit.interval().toMillis());
    out.writeVarint((visit.etag().isPresent() ? 1 : 0) | (visit.lastModified().isPresent() ? 2 : 0)
        | (visit.digest().isPresent() ? 4 : 0));
    visit.etag().ifPresent(value -> out.writeLengthPrefixed(value.getBytes(UTF_8)));
    visit.lastModified().ifPresent(value -> out.writeLengthPrefixed(value.getBytes(UTF_8)));
    visit.digest().ifPresent(value -> out.writeLengthPrefixed(value.getBytes(UTF_8)));
  }

  /** The form of a last visit alone (the PostgreSQL frontier keeps it in a column). */
  static byte[] encodeVisit(LastVisit visit) {
    ByteWriter out = new ByteWriter(64);
    writeVisit(out, visit);
    return out.toByteArray();
  }

  /** A last visit written by {@link #encodeVisit}. */
  static LastVisit decodeVisit(byte[] bytes) {
    ByteReader in = new ByteReader(bytes, 0);
    LastVisit visit = readVisit(in);
    if (!in.atEnd()) {
      throw new IllegalStateException("corrupt store value: " + (bytes.length - in.position()) + " trailing bytes");
    }
    return visit;
  }

  private static LastVisit readVisit(ByteReader in) {
    Instant at = Instant.ofEpochMilli(in.readLong());
    long visits = in.readVarint();
    long interval = in.readVarint();
    long present = in.readVarint();
    if (visits < 1 || visits > Integer.MAX_VALUE || (present & ~7L) != 0) {
      throw new IllegalStateException("corrupt store value: last visit " + visits + "/" + present);
    }
    Optional<String> etag = (present & 1) == 0 ? Optional.empty()
        : Optional.of(new String(in.readLengthPrefixed(), UTF_8));
    Optional<String> lastModified = (present & 2) == 0 ? Optional.empty()
        : Optional.of(new String(in.readLengthPrefixed(), UTF_8));
    Optional<String> digest = (present & 4) == 0 ? Optional.empty()
        : Optional.of(new String(in.readLengthPrefixed(), UTF_8));
    return new LastVisit(at, (int) visits, Duration.ofMillis(interval), etag, lastModified, digest);
  }

  /** The form of {@code url} alone. */
  static byte[] encode(CrawlUrl url) {
    ByteWriter out = new ByteWriter(url.url().length() * 2 + 16);
    write(out, url);
    return out.toByteArray();
  }

  /**
   * Reads a URL of {@code host} written by {@link #write}, which must end the input; throws
   * {@link IllegalStateException} on corrupt input.
   */
  static CrawlUrl read(ByteReader in, HostKey host) {
    long depth = in.readVarint();
    if (depth > Integer.MAX_VALUE) {
      throw new IllegalStateException("corrupt store value: depth " + depth);
    }
    byte[] self = in.readLengthPrefixed();
    long parentTag = in.readVarint();
    Optional<String> parent = parentTag == 0 ? Optional.empty() : Optional.of(readShared(in, self, parentTag - 1));
    int count = in.readLength();
    List<String> redirects = new ArrayList<>(Math.min(count, 64));
    for (int i = 0; i < count; i++) {
      redirects.add(readShared(in, self, in.readVarint()));
    }
    long flags = 0;
    if (!in.atEnd()) { // written only when not 0
      flags = in.readVarint();
      if (flags == 0 || (flags & ~(long) ALL_FLAGS) != 0) {
        throw new IllegalStateException("corrupt store value: URL flags " + flags);
      }
    }
    Optional<Instant> lastModified = (flags & LAST_MODIFIED) == 0 ? Optional.empty()
        : Optional.of(Instant.ofEpochMilli(in.readLong()));
    Optional<LastVisit> lastVisit = (flags & LAST_VISIT) == 0 ? Optional.empty() : Optional.of(readVisit(in));
    CrawlUrl.Kind kind = (flags & SITEMAP) == 0 ? CrawlUrl.Kind.PAGE : CrawlUrl.Kind.SITEMAP;
    return CrawlUrl.restore(new String(self, UTF_8), host, kind, (int) depth, parent, redirects, lastModified,
        lastVisit);
  }

  /** The URL of {@code host} in {@code bytes}, which must hold exactly one encoded URL. */
  static CrawlUrl decode(byte[] bytes, HostKey host) {
    ByteReader in = new ByteReader(bytes, 0);
    CrawlUrl url = read(in, host);
    if (!in.atEnd()) {
      throw new IllegalStateException("corrupt store value: " + (bytes.length - in.position()) + " trailing bytes");
    }
    return url;
  }

  private static void writeShared(ByteWriter out, byte[] self, byte[] other, int bias) {
    int shared = 0;
    int limit = Math.min(self.length, other.length);
    while (shared < limit && self[shared] == other[shared]) {
      shared++;
    }
    out.writeVarint(shared + (long) bias);
    out.writeVarint(other.length - shared);
    out.write(other, shared, other.length - shared);
  }

  private static String readShared(ByteReader in, byte[] self, long shared) {
    if (shared > self.length) {
      throw new IllegalStateException("corrupt store value: shared prefix " + shared + " of " + self.length);
    }
    int rest = in.readLength();
    byte[] whole = new byte[(int) shared + rest];
    System.arraycopy(self, 0, whole, 0, (int) shared);
    byte[] tail = in.readBytes(rest);
    System.arraycopy(tail, 0, whole, (int) shared, rest);
    return new String(whole, UTF_8);
  }
}
