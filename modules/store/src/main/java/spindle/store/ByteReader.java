package spindle.store;

/** Reads what {@link ByteWriter} wrote, from a position that moves forward; throws on truncated input. */
final class ByteReader {
  private final byte[] bytes;
  private int position;

  /** A reader of {@code bytes} starting at {@code offset}. */
  ByteReader(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.position = offset;
  }

  /** The next byte as 0 to 255. */
  int readByte() {
    check(1);
    return bytes[position++] & 0xFF;
  }

  /** The next unsigned LEB128 varint; throws {@link IllegalStateException} when it is longer than 10 bytes. */
  long readVarint() {
    long value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int next = readByte();
      value |= (long) (next & 0x7F) << shift;
      if ((next & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalStateException("corrupt store value: varint longer than 10 bytes at " + position);
  }

  /** The next varint, which must fit an int at least 0 (a length or a count). */
  int readLength() {
    long value = readVarint();
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new IllegalStateException("corrupt store value: length " + value + " at " + position);
    }
    return (int) value;
  }

  /** The next 8 bytes as a big-endian long. */
  long readLong() {
    check(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = value << 8 | (bytes[position++] & 0xFF);
    }
    return value;
  }

  /** The next {@code count} bytes, copied. */
  byte[] readBytes(int count) {
    check(count);
    byte[] out = new byte[count];
    System.arraycopy(bytes, position, out, 0, count);
    position += count;
    return out;
  }

  /** A varint length, then that many bytes. */
  byte[] readLengthPrefixed() {
    return readBytes(readLength());
  }

  /** The offset of the next unread byte. */
  int position() {
    return position;
  }

  /** The underlying array (not a copy). */
  byte[] array() {
    return bytes;
  }

  /** Whether every byte was read. */
  boolean atEnd() {
    return position == bytes.length;
  }

  private void check(int count) {
    if (count < 0 || position + count > bytes.length) {
      throw new IllegalStateException("corrupt store value: " + count + " bytes wanted at " + position + " of "
          + bytes.length);
    }
  }
}
