package spindle.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * How gently one host is treated now: the crawl's politeness settings, an operator's controls of the host and the
 * Crawl-delay of its last robots.txt rules. An immutable value; the one place that computes a host's effective
 * delay and concurrency, for its queue and for the reports of hosts without a running queue.
 *
 * @param crawlDelay the Crawl-delay of the host's last robots.txt rules, as asked (capped here)
 */
record HostPoliteness(PolitenessSettings settings, HostControl control, Optional<Duration> crawlDelay) {
  /** A host's politeness before its robots.txt is known. */
  static HostPoliteness of(PolitenessSettings settings, HostControl control) {
    return new HostPoliteness(settings, control, Optional.empty());
  }

  /**
   * The wait between the end of one request to the host and the start of the next: the host's own delay (the
   * operator's, else {@code spindle.politeness.delay}) or its robots.txt Crawl-delay capped at
   * {@code max-crawl-delay}, whichever is longer. A 429/503 backoff comes on top ({@link PolitenessClock}).
   */
  Duration delay() {
    Duration own = control.delay().orElse(settings.delay());
    if (crawlDelay.isEmpty()) {
      return own;
    }
    Duration asked = crawlDelay.get().compareTo(settings.maxCrawlDelay()) > 0 ? settings.maxCrawlDelay()
        : crawlDelay.get();
    return asked.compareTo(own) > 0 ? asked : own;
  }

  /** Requests in flight allowed to the host: the operator's, or {@code spindle.politeness.per-host-concurrency}. */
  int concurrency() {
    return control.concurrency().orElse(settings.perHostConcurrency());
  }

  /** Whether an operator paused the host: no request starts and no URL is recorded until unpaused. */
  boolean paused() {
    return control.paused().orElse(false);
  }

  /** Whether an operator blocked the host: its URLs get {@code BLOCKED} records without a request. */
  boolean blocked() {
    return control.blocked().orElse(false);
  }

  /** This politeness under the operator's {@code latest} controls (every change merged). */
  HostPoliteness withControl(HostControl latest) {
    return new HostPoliteness(settings, latest, crawlDelay);
  }

  /** This politeness under newly loaded robots.txt rules that ask for {@code asked}. */
  HostPoliteness withCrawlDelay(Optional<Duration> asked) {
    return new HostPoliteness(settings, control, asked);
  }
}
