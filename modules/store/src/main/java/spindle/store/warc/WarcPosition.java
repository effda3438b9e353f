package spindle.store.warc;

/**
 * Where an archive stands: its current WARC file, the length written to it and the length of its CDXJ index. A run
 * that resumes cuts both files back to a committed position, so a kill never leaves a torn record or an index line
 * of a record that is not there.
 *
 * @param file the current WARC file's name (in the archive's directory), or empty before the first
 * @param offset bytes of the WARC file
 * @param indexOffset bytes of its CDXJ index
 */
public record WarcPosition(String file, long offset, long indexOffset) {
  /** Before the first file. */
  public static final WarcPosition START = new WarcPosition("", 0, 0);

  /** The position as one line, for a store's metadata. */
  public String encode() {
    return offset + " " + indexOffset + " " + file;
  }

  /** The position {@link #encode()} wrote; START for an empty text. */
  public static WarcPosition decode(String text) {
    if (text.isBlank()) {
      return START;
    }
    String[] parts = text.split(" ", 3);
    return new WarcPosition(parts[2], Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }
}
