package spindle.fetch.robots;

import com.typesafe.config.Config;
import java.time.Duration;
import spindle.core.SettingsException;

/**
 * How robots.txt is used: whether at all, how long a fetched copy is trusted, how an unreachable one is retried,
 * and how much of it is read. Read once from {@code spindle.robots}.
 */
public record RobotsSettings(boolean enabled, Duration cacheTtl, Duration errorRetryInterval, int maxErrorRetries,
    long maxSizeBytes) {
  public RobotsSettings {
    if (cacheTtl.isNegative() || cacheTtl.isZero()) {
      throw new SettingsException("spindle.robots.cache-ttl", "must be longer than 0, was " + cacheTtl);
    }
    if (errorRetryInterval.isNegative() || errorRetryInterval.isZero()) {
      throw new SettingsException("spindle.robots.error-retry-interval",
          "must be longer than 0, was " + errorRetryInterval);
    }
    if (maxErrorRetries < 0) {
      throw new SettingsException("spindle.robots.max-error-retries", "must be 0 or more, was " + maxErrorRetries);
    }
    if (maxSizeBytes < 1) {
      throw new SettingsException("spindle.robots.max-size", "must be at least 1 byte, was " + maxSizeBytes);
    }
  }

  /** Reads {@code spindle.robots} from a resolved configuration that includes the reference defaults. */
  public static RobotsSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.robots");
    return new RobotsSettings(c.getBoolean("enabled"), c.getDuration("cache-ttl"),
        c.getDuration("error-retry-interval"), c.getInt("max-error-retries"), c.getBytes("max-size"));
  }
}
