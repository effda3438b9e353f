package spindle.engine;

import java.time.Duration;
import spindle.core.SettingsException;

/**
 * How a host's delay adapts to the server (keys of {@code spindle.politeness}): the wait is at least
 * {@code delayFactor} times the last fetch's duration, it grows by {@code errorGrowth} on each 5xx, 429 without
 * {@code Retry-After} or timeout, and shrinks back step by step over {@code recoveryResponses} healthy answers per
 * error; never past {@code maxDelay} (a longer base, operator delay or Crawl-delay still wins).
 *
 * @param delayFactor the wait is at least this times the last fetch's duration; 0 turns that off
 * @param maxDelay the longest the adaptive delay grows
 * @param errorGrowth each error multiplies the delay by this; 1 turns growth off
 * @param recoveryResponses healthy answers that undo one error's growth
 */
public record AdaptiveDelaySettings(double delayFactor, Duration maxDelay, double errorGrowth,
    int recoveryResponses) {
  /** Heritrix's delay factor, a cap of 30 s, doubling on errors, four healthy answers to undo one. */
  public static final AdaptiveDelaySettings DEFAULT = new AdaptiveDelaySettings(5, Duration.ofSeconds(30), 2, 4);
  /** No adaptation: the delay is the base, the operator's or the Crawl-delay, as before adaptive delays. */
  public static final AdaptiveDelaySettings OFF = new AdaptiveDelaySettings(0, Duration.ofDays(1), 1, 1);

  public AdaptiveDelaySettings {
    if (!(delayFactor >= 0 && delayFactor <= 1000)) {
      throw new SettingsException("spindle.politeness.delay-factor", "must be within 0 and 1000, was "
          + delayFactor);
    }
    if (maxDelay.isNegative()) {
      throw new SettingsException("spindle.politeness.max-delay", "must not be negative, was " + maxDelay.toMillis()
          + "ms");
    }
    if (!(errorGrowth >= 1 && errorGrowth <= 100)) {
      throw new SettingsException("spindle.politeness.error-growth", "must be within 1 and 100, was "
          + errorGrowth);
    }
    if (recoveryResponses < 1) {
      throw new SettingsException("spindle.politeness.recovery-responses", "must be at least 1, was "
          + recoveryResponses);
    }
  }

  /** Whether the delay adapts at all: a delay factor above 0 or a growth above 1. */
  boolean enabled() {
    return delayFactor > 0 || errorGrowth > 1;
  }
}
