package spindle.core;

/**
 * A 64-bit SimHash (Charikar) of a text, for finding pages that say almost the same thing: texts that differ in a few
 * words have fingerprints a few bits apart, unrelated texts about 32. The features are overlapping two-word
 * shingles of the lowercased words (letters and digits; everything else separates words), so a changed word moves
 * only the two shingles that hold it, while word order still counts. Manku, Jain and Das Sarma (WWW 2007) found 3
 * bits of 64 a good threshold for near-duplicate web pages; {@link #NEAR} is that. Measured on random texts: with 3
 * words changed, a 3,000-word page stays within 3 bits 96 % of the time (1,000 words: 77-88 %; 400 words: 54-62 %),
 * and no pair of unrelated texts came within 10 bits. Shingles of three words halved the first figure for short
 * texts; single words brought unrelated texts over a small vocabulary within 6 bits.
 */
public final class SimHash {
  /** The largest Hamming distance at which two pages count as near-duplicates. */
  public static final int NEAR = 3;

  private static final int SHINGLE = 2;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  /** Each ASCII character as it counts in a word: letters lowercased, digits as they are, 0 for a separator. */
  private static final char[] ASCII_WORD = new char[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      ASCII_WORD[c] = c;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      ASCII_WORD[c] = c;
      ASCII_WORD[Character.toUpperCase(c)] = c;
    }
  }

  private SimHash() {}

  /** The fingerprint of {@code text}; 0 for a text without words. */
  public static long of(CharSequence text) {
    return new Builder().add(text).fingerprint();
  }

  /**
   * A fingerprint taken a piece of text at a time, as a document's text nodes are walked, without joining them into
   * one string: pieces added one after another read as one text ("foo" then "bar" is the word "foobar"), and
   * {@link #boundary()} ends the current word where a block element separates two pieces. For a text added in one
   * piece the fingerprint is {@link #of}'s. Not thread-safe.
   */
  public static final class Builder {
    /** Eight lanes of eight byte-wide counters: byte {@code j} of lane {@code k} counts the features with bit 8j+k. */
    private final long[] lanes = new long[8];
    private final int[] ones = new int[64];
    private int inLanes;
    private int features;
    private final long[] window = new long[SHINGLE]; // the hashes of the last words, a ring
    private int words;
    private long word = FNV_OFFSET;
    private boolean inWord;

    /** Adds {@code text}, continuing the word the previous piece ended in. */
    public Builder add(CharSequence text) {
      for (int i = 0, n = text.length(); i < n; i++) {
        char c = text.charAt(i);
        if (c < 128) {
          char letter = ASCII_WORD[c];
          if (letter != 0) {
            word = (word ^ letter) * FNV_PRIME;
            inWord = true;
          } else {
            boundary();
          }
        } else if (Character.isLetterOrDigit(c)) {
          word = (word ^ Character.toLowerCase(c)) * FNV_PRIME;
          inWord = true;
        } else {
          boundary();
        }
      }
      return this;
    }

    /** Ends the current word, if any. */
    public Builder boundary() {
      if (inWord) {
        window[words % SHINGLE] = mix(word);
        words++;
        if (words >= SHINGLE) {
          feature(shingle(window, words));
        }
        word = FNV_OFFSET;
        inWord = false;
      }
      return this;
    }

    /** The fingerprint of everything added; 0 when it held no word. */
    public long fingerprint() {
      boundary();
      if (words > 0 && words < SHINGLE) { // a short text: its words as one feature
        feature(shingle(window, words));
      }
      flush();
      long fingerprint = 0;
      for (int bit = 0; bit < 64; bit++) {
        if (2 * ones[bit] > features) { // more features with the bit than without
          fingerprint |= 1L << bit;
        }
      }
      return fingerprint;
    }

    private void feature(long feature) {
      for (int k = 0; k < 8; k++) {
        lanes[k] += (feature >>> k) & 0x0101010101010101L;
      }
      features++;
      if (++inLanes == 255) { // a byte counter holds at most 255
        flush();
      }
    }

    private void flush() {
      for (int k = 0; k < 8; k++) {
        long lane = lanes[k];
        for (int j = 0; j < 8; j++) {
          ones[8 * j + k] += (int) ((lane >>> (8 * j)) & 0xff);
        }
        lanes[k] = 0;
      }
      inLanes = 0;
    }
  }

  /** The number of bits in which {@code a} and {@code b} differ. */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** The fingerprint as 16 lowercase hexadecimal digits, as records carry it. */
  public static String hex(long fingerprint) {
    String digits = Long.toHexString(fingerprint);
    return "0".repeat(16 - digits.length()) + digits;
  }

  /** The fingerprint written by {@link #hex}. */
  public static long parseHex(String hex) {
    return Long.parseUnsignedLong(hex, 16);
  }

  private static long shingle(long[] window, int words) {
    long hash = 0;
    int count = Math.min(words, SHINGLE);
    for (int k = count; k >= 1; k--) { // in order, oldest first: "a b c" and "c b a" differ
      hash = mix(hash * 31 + window[(words - k) % SHINGLE]);
    }
    return hash;
  }

  /** A 64-bit finaliser (MurmurHash3's fmix64): spreads FNV's weak low bits over the whole word. */
  private static long mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
