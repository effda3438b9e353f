package spindle.fetch;

import java.util.Arrays;
import org.apache.pekko.util.ByteString;

/**
 * Collects a response body chunk by chunk into one array, copying each byte once: folding the chunks into a
 * {@link ByteString} and calling {@code toArray} at the end copied a 200 KB page two or three times. Sized from
 * Content-Length when the response has one, so the array is usually exact and never regrown. Not thread-safe: one
 * stream feeds it.
 *
 * <p>{@link #take()} hands the bytes over and lets go of them: the stream that filled the buffer outlives the read. A
 * pooled connection keeps its last response until its next one, that response's entity keeps the stream it was read
 * with, and the stream keeps its sink's state, this buffer; a buffer that still held the page would keep one page per
 * open connection alive (34.8 MB of a 64-fetcher crawl's heap, measured in a heap dump).
 */
final class BodyBuffer {
  private static final int DEFAULT_CAPACITY = 16 * 1024;
  private static final byte[] EMPTY = new byte[0];

  private byte[] bytes;
  private int length;

  /** A buffer expecting about {@code expected} bytes (-1: unknown), keeping at most {@code limit}. */
  BodyBuffer(long expected, long limit) {
    long initial = expected >= 0 ? Math.min(expected, limit) : Math.min(DEFAULT_CAPACITY, limit);
    this.bytes = new byte[(int) Math.max(0, Math.min(initial, Integer.MAX_VALUE - 8))];
  }

  /** Appends {@code chunk}, keeping at most {@code limit} bytes in all. */
  BodyBuffer append(ByteString chunk, long limit) {
    int room = (int) Math.max(0, Math.min(limit - length, chunk.size()));
    if (room > 0) {
      if (length + room > bytes.length) {
        long grown = Math.max((long) bytes.length * 2, (long) length + room);
        bytes = Arrays.copyOf(bytes, (int) Math.min(grown, Math.min(limit, Integer.MAX_VALUE - 8)));
      }
      chunk.copyToArray(bytes, length, room);
      length += room;
    }
    return this;
  }

  /**
   * The bytes kept (the array itself when it is exactly full, the usual case with Content-Length); the buffer is
   * empty afterwards.
   */
  byte[] take() {
    byte[] taken = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    bytes = EMPTY;
    length = 0;
    return taken;
  }
}
