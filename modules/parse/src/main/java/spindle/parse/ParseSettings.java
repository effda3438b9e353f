package spindle.parse;

import com.typesafe.config.Config;
import spindle.core.SettingsException;

/**
 * What the parser extracts and obeys: whether {@code rel=nofollow} links and robots meta tags are honoured, and
 * how many links one page may contribute. Read once from {@code spindle.parse}; every key is documented in this
 * module's {@code reference.conf}.
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

  /** Reads {@code spindle.parse} from a resolved configuration that includes the reference defaults. */
  public static ParseSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.parse");
    return new ParseSettings(c.getBoolean("honour-nofollow"), c.getBoolean("honour-meta-robots"),
        c.getInt("max-links-per-page"), c.getInt("max-title-length"));
  }
}
