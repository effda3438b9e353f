package spindle.fetch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Decodes a payload kept as sent (for an archive) into the bytes the parser reads: gzip, deflate (zlib-wrapped or
 * raw, as servers send either) or identity, cut at a size limit, so a compression bomb costs at most the limit.
 */
final class ContentDecoding {
  private ContentDecoding() {}

  /**
   * Decoded bytes, and whether they were cut: at the limit, or because the payload itself was cut (a truncated gzip
   * stream decodes as far as it goes).
   */
  record Decoded(byte[] bytes, boolean cut) {}

  /** {@code payload} decoded from {@code encoding}; IOException for an encoding we cannot decode, or a corrupt one. */
  static Decoded decode(byte[] payload, String encoding, long maxBytes) throws IOException {
    switch (encoding) {
      case "identity", "" -> {
        return new Decoded(payload, false);
      }
      case "gzip", "x-gzip" -> {
        return read(new GZIPInputStream(new ByteArrayInputStream(payload), 8192), maxBytes);
      }
      case "deflate" -> {
        boolean zlib = payload.length >= 2 && (payload[0] & 0x0f) == 8
            && ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) % 31 == 0;
        return read(new InflaterInputStream(new ByteArrayInputStream(payload), new Inflater(!zlib), 8192), maxBytes);
      }
      default -> throw new IOException("unsupported Content-Encoding " + encoding);
    }
  }

  private static Decoded read(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[8192];
    try (in) {
      while (true) {
        int n = in.read(buffer);
        if (n < 0) {
          return new Decoded(out.toByteArray(), false);
        }
        long room = maxBytes - out.size();
        if (n > room) {
          out.write(buffer, 0, (int) Math.max(0, room));
          return new Decoded(out.toByteArray(), true);
        }
        out.write(buffer, 0, n);
      }
    } catch (EOFException cutShort) { // the payload was cut (at the size limit): keep what it held
      return new Decoded(out.toByteArray(), true);
    } catch (ZipException corrupt) {
      throw new IOException("corrupt compressed body: " + corrupt.getMessage(), corrupt);
    }
  }
}
