package spindle.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * How gently one host is treated now: the crawl's politeness settings, an operator's controls of the host, the
 * Crawl-delay of its last robots.txt rules and what its answers taught ({@link AdaptiveDelay}). An immutable value;
 * the one place that computes a host's effective delay, the reason for it and its concurrency, for its queue and for
 * the reports of hosts without a running queue.
 *
 * @param crawlDelay the Crawl-delay of the host's last robots.txt rules, as asked (capped here)
 * @param adaptive what the host's answers taught: its last fetch's duration and the growth errors caused
 */
record HostPoliteness(PolitenessSettings settings, HostControl control, Optional<Duration> crawlDelay,
    AdaptiveDelay adaptive) {
  /**
   * Why a host's delay is what it is: {@code source} is {@code base}, {@code crawl-delay}, {@code operator},
   * {@code slow-responses}, {@code errors} or {@code recovering}; {@code text} says it for an operator.
   */
  record Reason(String source, String text) {}

  /** A host's politeness before its robots.txt is known. */
  static HostPoliteness of(PolitenessSettings settings, HostControl control) {
    return new HostPoliteness(settings, control, Optional.empty(), AdaptiveDelay.INITIAL);
  }

  /**
   * The wait between the end of one request to the host and the start of the next. Its floor is the host's own
   * delay (the operator's, else {@code spindle.politeness.delay}) or its robots.txt Crawl-delay capped at
   * {@code max-crawl-delay}, whichever is longer; above the floor the delay adapts to the server (at least
   * {@code delay-factor} times the last fetch, grown by errors), up to {@code max-delay}. A host whose own delay is 0
   * does not adapt (0 is for servers one owns). A 429/503 backoff comes on top ({@link PolitenessClock}).
   */
  Duration delay() {
    return adapts() ? adaptive.delay(settings.adaptive(), floor()) : floor();
  }

  /** Why {@link #delay()} is what it is. */
  Reason reason() {
    Reason floorReason = floorReason();
    return adapts() ? adaptive.reason(settings.adaptive(), floor(), floorReason) : floorReason;
  }

  /** The least the delay is: the host's own delay or its capped Crawl-delay, whichever is longer. */
  private Duration floor() {
    Duration own = own();
    Optional<Duration> asked = cappedCrawlDelay();
    return asked.isPresent() && asked.get().compareTo(own) > 0 ? asked.get() : own;
  }

  private Reason floorReason() {
    Optional<Duration> asked = cappedCrawlDelay();
    if (asked.isPresent() && asked.get().compareTo(own()) > 0) {
      return new Reason("crawl-delay", "crawl-delay");
    }
    return control.delay().isPresent() ? new Reason("operator", "operator") : new Reason("base", "base");
  }

  private Duration own() {
    return control.delay().orElse(settings.delay());
  }

  private Optional<Duration> cappedCrawlDelay() {
    return crawlDelay.map(asked -> asked.compareTo(settings.maxCrawlDelay()) > 0 ? settings.maxCrawlDelay() : asked);
  }

  private boolean adapts() {
    return settings.adaptive().enabled() && own().compareTo(Duration.ZERO) > 0;
  }

  /** Whether the host's answers have made its delay longer than its floor (or left errors to recover from). */
  boolean adapted() {
    return adapts() && (delay().compareTo(floor()) > 0 || adaptive.growth() > 1);
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
    return new HostPoliteness(settings, latest, crawlDelay, adaptive);
  }

  /** This politeness under newly loaded robots.txt rules that ask for {@code asked}. */
  HostPoliteness withCrawlDelay(Optional<Duration> asked) {
    return new HostPoliteness(settings, control, asked, adaptive);
  }

  /** This politeness continuing from what a previous queue of the host learnt. */
  HostPoliteness withAdaptive(AdaptiveDelay learnt) {
    return new HostPoliteness(settings, control, crawlDelay, learnt);
  }

  /** This politeness after a page request got {@code answer} in {@code fetchTime}. */
  HostPoliteness after(AdaptiveDelay.Answer answer, Duration fetchTime) {
    return new HostPoliteness(settings, control, crawlDelay, adaptive.after(answer, fetchTime, settings.adaptive(),
        floor()));
  }
}
