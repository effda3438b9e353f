package spindle.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import spindle.engine.Progress;

/**
 * A running job's progress: its latest report and a fifteen-minute series of one-second samples, from which the one
 * place that computes them derives the rate of the last minute and each sample's errors per second. Owned by the job's
 * actor and handed from one of its states to the next; never shared (questions get a copy of the samples).
 */
final class ProgressSeries {
  /** Fifteen minutes of samples: what the status page's charts show. */
  static final int SAMPLES = 900;
  private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  private final Deque<Sample> samples = new ArrayDeque<>();
  private Progress latest;
  private Instant latestAt;

  /** Takes {@code progress}, reported at {@code now}; a sample when a second has passed since the last one. */
  void record(Progress progress, Instant now) {
    latest = progress;
    latestAt = now;
    Sample last = samples.peekLast();
    if (last == null || !now.isBefore(last.time().plus(SAMPLE_INTERVAL).minusMillis(100))) {
      if (samples.size() == SAMPLES) {
        samples.pollFirst();
      }
      samples.addLast(new Sample(now, progress.done(), progress.failed(), progress.queued(), progress.inFlight(),
          progress.pagesPerSecond(), errorsPerSecond(last, now, progress.failed())));
    }
  }

  /** Requests in flight at the latest report; 0 before the first. */
  int inFlight() {
    return latest == null ? 0 : latest.inFlight();
  }

  /** The samples, oldest first (a copy). */
  List<Sample> samples() {
    return List.copyOf(samples);
  }

  /**
   * Records per second between the oldest sample of the minute before {@code now} and the latest report: the
   * latest report's own rate when they are less than half a second apart, 0 before the first sample.
   */
  double lastMinuteRate(Instant now) {
    Sample last = samples.peekLast();
    if (last == null) {
      return 0;
    }
    Sample newest = new Sample(latestAt, latest.done(), latest.failed(), latest.queued(), latest.inFlight(),
        latest.pagesPerSecond(), 0);
    Instant since = now.minus(RATE_WINDOW);
    Sample oldest = newest;
    for (Iterator<Sample> descending = samples.descendingIterator(); descending.hasNext(); ) {
      Sample sample = descending.next();
      if (sample.time().isBefore(since)) {
        break;
      }
      oldest = sample;
    }
    double seconds = Duration.between(oldest.time(), newest.time()).toNanos() / 1e9;
    if (seconds < 0.5) {
      return newest.pagesPerSecond();
    }
    return Math.max(0, (newest.done() - oldest.done()) / seconds);
  }

  /** Errors per second between {@code previous} (null: 0) and a sample at {@code now} with {@code failed} errors. */
  static double errorsPerSecond(Sample previous, Instant now, long failed) {
    if (previous == null) {
      return 0;
    }
    double seconds = Duration.between(previous.time(), now).toNanos() / 1e9;
    return seconds <= 0 ? 0 : Math.max(0, failed - previous.failed()) / seconds;
  }
}
