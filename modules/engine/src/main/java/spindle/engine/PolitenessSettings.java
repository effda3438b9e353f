package spindle.engine;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;
import spindle.core.SettingsException;

/**
 * How gently Spindle treats each server: the wait between the end of one request and the start of the next to the
 * same host, the cap on robots.txt Crawl-delay, requests in flight per host, a global rate limit, what "the same
 * server" means ({@link Key}), and how the wait adapts to each server ({@link AdaptiveDelaySettings}).
 *
 * @param key what the delay and the concurrency are counted per: the host name (the default), its address, or its
 *     registrable domain
 */
public record PolitenessSettings(Duration delay, Duration maxCrawlDelay, int perHostConcurrency,
    OptionalDouble maxPagesPerSecond, Key key, AdaptiveDelaySettings adaptive) {
  /** What one politeness queue stands for ({@code spindle.politeness.key}). */
  public enum Key {
    /** Each host name (and non-default port) is a server of its own. */
    HOST,
    /** Host names that resolve to one IP address are one server (virtual hosting). */
    IP,
    /** Host names under one registrable domain (the public suffix list) are one server. */
    DOMAIN;

    /** The key as written in configuration: {@code host}, {@code ip}, {@code domain}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

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

  /** Politeness per host name, whose delay does not adapt to the server (tests of other things). */
  public PolitenessSettings(Duration delay, Duration maxCrawlDelay, int perHostConcurrency,
      OptionalDouble maxPagesPerSecond) {
    this(delay, maxCrawlDelay, perHostConcurrency, maxPagesPerSecond, Key.HOST, AdaptiveDelaySettings.OFF);
  }

  /** Politeness counted per {@code key}, whose delay does not adapt to the server. */
  public PolitenessSettings(Duration delay, Duration maxCrawlDelay, int perHostConcurrency,
      OptionalDouble maxPagesPerSecond, Key key) {
    this(delay, maxCrawlDelay, perHostConcurrency, maxPagesPerSecond, key, AdaptiveDelaySettings.OFF);
  }

  /** Politeness per host name whose delay adapts as {@code adaptive} says. */
  public PolitenessSettings(Duration delay, Duration maxCrawlDelay, int perHostConcurrency,
      OptionalDouble maxPagesPerSecond, AdaptiveDelaySettings adaptive) {
    this(delay, maxCrawlDelay, perHostConcurrency, maxPagesPerSecond, Key.HOST, adaptive);
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
        c.getInt("per-host-concurrency"), rate, key(c.getString("key")), adaptive);
  }

  private static Key key(String text) {
    for (Key key : Key.values()) {
      if (key.configName().equals(text)) {
        return key;
      }
    }
    throw new SettingsException("spindle.politeness.key", "must be host, ip or domain, was \"" + text + "\"");
  }
}
