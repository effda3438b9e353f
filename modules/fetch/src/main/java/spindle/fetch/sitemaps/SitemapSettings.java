package spindle.fetch.sitemaps;

import com.typesafe.config.Config;
import spindle.core.SettingsException;

/**
 * Whether sitemaps are read, and how much of one: its size in bytes (decompressed, for a gzipped one) and the URLs
 * (or, for an index, the sitemaps) taken from it. Read once from {@code spindle.sitemaps}.
 */
public record SitemapSettings(boolean enabled, long maxSizeBytes, int maxUrls) {
  public SitemapSettings {
    if (maxSizeBytes < 1 || maxSizeBytes > Integer.MAX_VALUE - 8) { // a body is one byte array
      throw new SettingsException("spindle.sitemaps.max-size",
          "must be at least 1 byte and less than 2GiB, was " + maxSizeBytes);
    }
    if (maxUrls < 1) {
      throw new SettingsException("spindle.sitemaps.max-urls", "must be at least 1, was " + maxUrls);
    }
  }

  /** Reads {@code spindle.sitemaps} from a resolved configuration that includes the reference defaults. */
  public static SitemapSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.sitemaps");
    return new SitemapSettings(c.getBoolean("enabled"), c.getBytes("max-size"), c.getInt("max-urls"));
  }
}
