package spindle.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a crawl visits a page again, adapted per URL as Nutch's AdaptiveFetchSchedule does: the first revisit is due
 * {@code minInterval} after the first visit; each later visit that found the page changed multiplies the interval by
 * {@code 1 - decreaseRate}, one that found it unchanged by {@code 1 + increaseRate}, always within
 * {@code [minInterval, maxInterval]}. A batch crawl makes {@code rounds} revisits of each page, then it is done; a
 * continuous one revisits until stopped. Pure: no clock, no I/O.
 *
 * @param rounds revisits of every page after its first visit ({@code spindle.recrawl.rounds}); 0 turns them off
 * @param continuous revisit until the crawl is stopped ({@code spindle.recrawl.continuous}); rounds are then ignored
 * @param minInterval the shortest interval, and the first one
 * @param maxInterval the longest interval
 * @param increaseRate how much longer the interval gets after an unchanged visit (0.4: 40 % longer)
 * @param decreaseRate how much shorter the interval gets after a changed visit (0.2: 20 % shorter)
 */
public record RevisitSchedule(int rounds, boolean continuous, Duration minInterval, Duration maxInterval,
    double increaseRate, double decreaseRate) {
  /** No revisits: every page is visited once. */
  public static final RevisitSchedule NONE = new RevisitSchedule(0, false, Duration.ofHours(1), Duration.ofDays(30),
      0.4, 0.2);

  public RevisitSchedule {
    if (rounds < 0) {
      throw new SettingsException("spindle.recrawl.rounds", "must be 0 or more, was " + rounds);
    }
    if (minInterval.isNegative() || minInterval.isZero()) {
      throw new SettingsException("spindle.recrawl.min-interval", "must be longer than 0, was "
          + written(minInterval));
    }
    if (maxInterval.compareTo(minInterval) < 0) {
      throw new SettingsException("spindle.recrawl.max-interval",
          "must be at least min-interval (" + written(minInterval) + "), was " + written(maxInterval));
    }
    if (!(increaseRate >= 0 && increaseRate <= 10)) {
      throw new SettingsException("spindle.recrawl.increase-rate", "must be between 0 and 10, was " + increaseRate);
    }
    if (!(decreaseRate >= 0 && decreaseRate < 1)) {
      throw new SettingsException("spindle.recrawl.decrease-rate",
          "must be at least 0 and less than 1, was " + decreaseRate);
    }
  }

  /** Whether pages are visited more than once. */
  public boolean enabled() {
    return continuous || rounds > 0;
  }

  /**
   * The record of a visit made at {@code at}, after {@code previous} (empty for a first visit): its interval adapted
   * by whether the page {@code changed} (empty when that is not known: the interval stays), its validators and
   * digest those of this response.
   */
  public LastVisit visited(Optional<LastVisit> previous, Instant at, Optional<Boolean> changed,
      Optional<String> etag, Optional<String> lastModified, Optional<String> digest) {
    if (previous.isEmpty()) {
      return new LastVisit(at, 1, minInterval, etag, lastModified, digest);
    }
    Duration interval = previous.get().interval();
    if (changed.isPresent()) {
      interval = scale(interval, changed.get() ? 1 - decreaseRate : 1 + increaseRate);
    }
    return new LastVisit(at, previous.get().visits() + 1, clamp(interval), etag, lastModified, digest);
  }

  /** When {@code visit}'s URL is next due, or empty when no more visits are owed (rounds done, or revisits off). */
  public Optional<Instant> nextVisit(LastVisit visit) {
    if (!enabled() || (!continuous && visit.visits() > rounds)) {
      return Optional.empty();
    }
    return Optional.of(visit.due());
  }

  /**
   * Whether a sitemap's {@code lastmod} for a URL makes its next visit due now: it is newer than the URL's last
   * visit.
   */
  public static boolean dueBySitemap(Optional<Instant> sitemapLastModified, LastVisit visit) {
    return sitemapLastModified.isPresent() && sitemapLastModified.get().isAfter(visit.at());
  }

  /** A duration as a HOCON value is written: the largest whole unit of d, h, m, s or ms. */
  static String written(Duration duration) {
    long millis = duration.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis != 0 && millis % units[i] == 0) {
        return millis / units[i] + names[i];
      }
    }
    return millis + "ms";
  }

  private Duration clamp(Duration interval) {
    if (interval.compareTo(minInterval) < 0) {
      return minInterval;
    }
    return interval.compareTo(maxInterval) > 0 ? maxInterval : interval;
  }

  private static Duration scale(Duration interval, double factor) {
    double millis = interval.toMillis() * factor;
    return millis >= Long.MAX_VALUE ? Duration.ofMillis(Long.MAX_VALUE) : Duration.ofMillis(Math.round(millis));
  }
}
