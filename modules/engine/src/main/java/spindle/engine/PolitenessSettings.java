package spindle.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.OptionalDouble;
import spindle.core.SettingsException;

/**
 * How gently Spindle treats each server: the wait between the end of one request and the start of the next to the
 * same host, the cap on robots.txt Crawl-delay, requests in flight per host, a global rate limit, and how the wait
 * adapts to each server ({@link AdaptiveDelaySettings}).
 */
public record PolitenessSettings(Duration delay, Duration maxCrawlDelay, int perHostConcurrency,
    OptionalDouble maxPagesPerSecond, AdaptiveDelaySettings adaptive) {
  public PolitenessSettings {
    if (delay.isNegative()) {
      throw new SettingsException("spindle.politeness.delay", "must not be negative, was " + delay);
    }
    if (maxCrawlDelay.isNegative()) {
      throw new SettingsException("spindle.politeness.max-crawl-delay", "must not be negative, was " + maxCrawlDelay);
    }
    if (perHostConcurrency < 1) {
      throw new SettingsException("spindle.politeness.per-host-concurrency",
          "must be at least 1, was " + perHostConcurrency);
    }
    if (maxPagesPerSecond.isPresent() && !(maxPagesPerSecond.getAsDouble() > 0)) {
      throw new SettingsException("spindle.politeness.max-pages-per-second",
          "must be above 0 or \"unlimited\", was " + maxPagesPerSecond.getAsDouble());
    }
    if (adaptive.maxDelay().compareTo(delay) < 0) {
      throw new SettingsException("spindle.politeness.max-delay", "must be at least spindle.politeness.delay ("
          + delay.toMillis() + "ms), was " + adaptive.maxDelay().toMillis() + "ms");
    }
  }

  /** Settings whose delay does not adapt to the server (tests of other things). */
  public PolitenessSettings(Duration delay, Duration maxCrawlDelay, int perHostConcurrency,
      OptionalDouble maxPagesPerSecond) {
    this(delay, maxCrawlDelay, perHostConcurrency, maxPagesPerSecond, AdaptiveDelaySettings.OFF);
  }

  /** Reads {@code spindle.politeness}. */
  public static PolitenessSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.politeness");
    String rateKey = "max-pages-per-second";
    OptionalDouble rate = ConfigValues.isUnlimited(c, rateKey)
        ? OptionalDouble.empty()
        : OptionalDouble.of(ConfigValues.number(c, rateKey, "spindle.politeness." + rateKey));
    AdaptiveDelaySettings adaptive = new AdaptiveDelaySettings(c.getDouble("delay-factor"), c.getDuration("max-delay"),
        c.getDouble("error-growth"), c.getInt("recovery-responses"));
    return new PolitenessSettings(c.getDuration("delay"), c.getDuration("max-crawl-delay"),
        c.getInt("per-host-concurrency"), rate, adaptive);
  }
}
