package spindle.store.warc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes gzip members (RFC 1952), one per call, at a chosen compression level. jwarc compresses each record at level
 * 9, which costs a crawl more CPU than fetching and parsing the page; a WARC file is a series of members, one per
 * record, whatever the level, so any gzip reader (and any WARC tool) reads these. Not thread-safe.
 */
final class GzipMembers implements AutoCloseable {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}; // deflate, no name, no time
  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
  private byte[] output = new byte[64 * 1024];

  /** Members compressed at {@code level}, 1 (fastest) to 9 (smallest). */
  GzipMembers(int level) {
    deflater = new Deflater(level, true);
  }

  /** Writes {@code length} bytes of {@code data} as one member to {@code channel}. */
  void write(byte[] data, int length, WritableByteChannel channel) throws IOException {
    deflater.reset();
    deflater.setInput(data, 0, length);
    deflater.finish();
    crc.reset();
    crc.update(data, 0, length);
    System.arraycopy(HEADER, 0, output, 0, HEADER.length);
    int size = HEADER.length;
    while (!deflater.finished()) {
      if (size == output.length) {
        output = java.util.Arrays.copyOf(output, output.length * 2);
      }
      size += deflater.deflate(output, size, output.length - size);
    }
    writeFully(channel, ByteBuffer.wrap(output, 0, size));
    trailer.clear();
    trailer.putInt((int) crc.getValue()).putInt(length).flip();
    writeFully(channel, trailer);
  }

  private static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public void close() {
    deflater.end();
  }
}
