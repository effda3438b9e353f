package spindle.parse;

import spindle.core.SettingsException;

/**
 * What the parser extracts and obeys: whether {@code rel=nofollow} links and robots meta tags are honoured, and
 * how many links one page may contribute. Read from {@code spindle.parse} by the engine.
 */
public record ParseSettings(boolean honourNofollow, boolean honourMetaRobots, int maxLinksPerPage,
    int maxTitleLength) {
  public ParseSettings {
    if (maxLinksPerPage < 0) {
      throw new SettingsException("spindle.parse.max-links-per-page", "must be 0 or more, was " + maxLinksPerPage);
    }
    if (maxTitleLength < 0) {
      throw new SettingsException("spindle.parse.max-title-length", "must be 0 or more, was " + maxTitleLength);
    }
  }

  /** The defaults: honour both, 10,000 links, 1,000 characters of title. */
  public static ParseSettings defaults() {
    return new ParseSettings(true, true, 10_000, 1_000);
  }
}
