package spindle.store;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;
import java.util.List;
import spindle.core.CrawlRecord;

/**
 * Writes one JSON object per line, one line per record, with the field names users pipe into {@code jq}:
 * {@code url, final_url, status, content_type, bytes, fetch_ms, depth, parent, title, outlinks, fetched_at,
 * error, redirects, truncated, noindex, nofollow, attempts, location, content_digest, simhash, near_duplicate_of},
 * {@code text} when the crawl extracts it, {@code sitemap} ({@code {"type", "entries", "taken"}}) on a sitemap's
 * record, {@code lastmod} on a page a sitemap gave one for, and {@code visit} (from 1) and {@code changed} (on a
 * revisit: true or false) in a crawl that revisits pages. Absent values are JSON {@code null};
 * {@code error} is null or {@code {"kind": ..., "message": ...}}.
 */
public final class JsonLinesWriter implements RecordWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private final CountingOutputStream out;
  private final JsonGenerator generator;
  private final long startPosition;
  private boolean closed;

  private JsonLinesWriter(OutputStream out, long startPosition) throws IOException {
    this.out = new CountingOutputStream(out);
    this.startPosition = startPosition;
    this.generator = JSON.createGenerator(this.out, JsonEncoding.UTF8);
    generator.setRootValueSeparator(null); // each record ends with its own newline
  }

  /** A writer that creates {@code path} (and its parent directories), replacing an existing file. */
  public static JsonLinesWriter create(Path path) throws IOException {
    return open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
  }

  /** A writer that appends to {@code path}, creating it when it does not exist. */
  public static JsonLinesWriter append(Path path) throws IOException {
    return open(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  /** A writer to a stream the caller owns; closing the writer closes the stream. */
  public static JsonLinesWriter to(OutputStream out) throws IOException {
    return new JsonLinesWriter(out, 0);
  }

  private static JsonLinesWriter open(Path path, StandardOpenOption... options) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    OutputStream file = Files.newOutputStream(path, options);
    long start = java.util.Arrays.asList(options).contains(StandardOpenOption.APPEND) ? Files.size(path) : 0;
    return new JsonLinesWriter(new BufferedOutputStream(file, 1 << 16), start);
  }

  @Override
  public void write(List<CrawlRecord> batch) throws IOException {
    for (CrawlRecord record : batch) {
      writeRecord(record);
      generator.writeRaw('\n');
    }
    generator.flush();
  }

  private void writeRecord(CrawlRecord record) throws IOException {
    generator.writeStartObject();
    generator.writeStringField("url", record.url());
    generator.writeStringField("final_url", record.finalUrl());
    generator.writeFieldName("status");
    if (record.status().isPresent()) {
      generator.writeNumber(record.status().getAsInt());
    } else {
      generator.writeNull();
    }
    generator.writeStringField("content_type", record.contentType().orElse(null));
    generator.writeNumberField("bytes", record.bytes());
    generator.writeNumberField("fetch_ms", record.fetchMillis());
    generator.writeNumberField("depth", record.depth());
    generator.writeStringField("parent", record.parent().orElse(null));
    generator.writeStringField("title", record.title().orElse(null));
    generator.writeNumberField("outlinks", record.outlinks());
    generator.writeStringField("fetched_at", DateTimeFormatter.ISO_INSTANT.format(record.fetchedAt()));
    generator.writeFieldName("error");
    if (record.error().isPresent()) {
      generator.writeStartObject();
      generator.writeStringField("kind", record.error().get().kind().name());
      generator.writeStringField("message", record.error().get().message());
      generator.writeEndObject();
    } else {
      generator.writeNull();
    }
    generator.writeArrayFieldStart("redirects");
    for (String hop : record.redirects()) {
      generator.writeString(hop);
    }
    generator.writeEndArray();
    generator.writeBooleanField("truncated", record.truncated());
    generator.writeBooleanField("noindex", record.noindex());
    generator.writeBooleanField("nofollow", record.nofollow());
    generator.writeNumberField("attempts", record.attempts());
    generator.writeStringField("location", record.location().orElse(null));
    generator.writeStringField("content_digest", record.contentDigest().orElse(null));
    generator.writeStringField("simhash", record.simhash().orElse(null));
    generator.writeStringField("near_duplicate_of", record.nearDuplicateOf().orElse(null));
    if (record.text().isPresent()) { // only with spindle.output.text on: most crawls would carry null in every line
      generator.writeStringField("text", record.text().get());
    }
    // only on the records of sitemaps and of pages a sitemap dated: other lines stay as they were
    if (record.sitemap().isPresent()) {
      CrawlRecord.Sitemap sitemap = record.sitemap().get();
      generator.writeObjectFieldStart("sitemap");
      generator.writeStringField("type", sitemap.type().orElse(null));
      generator.writeNumberField("entries", sitemap.entries());
      generator.writeNumberField("taken", sitemap.taken());
      generator.writeEndObject();
    }
    if (record.lastModified().isPresent()) {
      generator.writeStringField("lastmod", DateTimeFormatter.ISO_INSTANT.format(record.lastModified().get()));
    }
    // only in crawls that revisit pages
    if (record.visit().isPresent()) {
      generator.writeNumberField("visit", record.visit().getAsInt());
    }
    if (record.changed().isPresent()) {
      generator.writeBooleanField("changed", record.changed().get());
    }
    generator.writeEndObject();
  }

  @Override
  public long position() {
    return startPosition + out.count;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    generator.flush();
    generator.close();
    out.close();
  }

  /** Counts the bytes that pass through, so the writer knows the output's length without asking the file. */
  private static final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
      count += length;
    }
  }
}
