package spindle.core;

/**
 * A setting has a value Spindle cannot use. The message names the key, so the command line can print it as the
 * one line a user needs ("spindle.fetch.concurrency: must be at least 1, was 0").
 */
public final class SettingsException extends RuntimeException {
  private final String key;

  /** A problem with {@code key}, described by {@code problem}. */
  public SettingsException(String key, String problem) {
    super(key + ": " + problem);
    this.key = key;
  }

  /** The full path of the offending key. */
  public String key() {
    return key;
  }
}
