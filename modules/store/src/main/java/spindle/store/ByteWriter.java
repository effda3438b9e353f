package spindle.store;

import java.util.Arrays;

/** A growable byte array with the varint and fixed-width writes the store's keys and values are made of. */
final class ByteWriter {
  private byte[] bytes;
  private int length;

  /** An empty writer with room for {@code capacity} bytes before it grows. */
  ByteWriter(int capacity) {
    bytes = new byte[Math.max(capacity, 16)];
  }

  /** Appends one byte (the low 8 bits of {@code value}). */
  ByteWriter writeByte(int value) {
    ensure(1);
    bytes[length++] = (byte) value;
    return this;
  }

  /** Appends {@code value} as an unsigned LEB128 varint: 1 byte below 128, at most 10 bytes. */
  ByteWriter writeVarint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      bytes[length++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    bytes[length++] = (byte) value;
    return this;
  }

  /** Appends {@code value} as 8 big-endian bytes, so keys that hold it sort by it (for values at least 0). */
  ByteWriter writeLong(long value) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes[length++] = (byte) (value >>> shift);
    }
    return this;
  }

  /** Appends {@code count} bytes of {@code source} from {@code offset}. */
  ByteWriter write(byte[] source, int offset, int count) {
    ensure(count);
    System.arraycopy(source, offset, bytes, length, count);
    length += count;
    return this;
  }

  /** Appends all of {@code source}. */
  ByteWriter write(byte[] source) {
    return write(source, 0, source.length);
  }

  /** Appends the length of {@code source} as a varint, then its bytes. */
  ByteWriter writeLengthPrefixed(byte[] source) {
    return writeVarint(source.length).write(source);
  }

  /** A copy of the bytes written so far; the writer stays usable. */
  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
