package spindle.store;

import java.io.IOException;
import java.util.List;
import spindle.core.CrawlRecord;

/**
 * Where crawl records go. Writes arrive in batches from one stream stage, on the blocking-I/O dispatcher; an
 * implementation need not be thread-safe.
 */
public interface RecordWriter extends AutoCloseable {
  /** Writes a batch, then pushes it to the operating system, so a killed process loses at most the current batch. */
  void write(List<CrawlRecord> batch) throws IOException;

  /** Bytes in the output after the last {@link #write}, earlier content of an appended file included. */
  long position();

  /** Flushes and releases the output. Idempotent. */
  @Override
  void close() throws IOException;
}
