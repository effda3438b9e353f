package spindle.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import spindle.core.ErrorKind;
import spindle.engine.CrawlSummary;
import spindle.engine.Progress;
import spindle.engine.ProgressListener;

/**
 * The progress line on stderr: rewritten in place about once a second when stderr is a terminal, printed as a
 * plain line every {@code spindle.progress.log-interval} otherwise (so logs and CI output stay readable).
 */
final class ConsoleProgress implements ProgressListener {
  private final PrintStream out;
  private final boolean terminal;
  private final long logIntervalNanos;
  private long lastPrinted = Long.MIN_VALUE;
  private int lastLength;

  ConsoleProgress(PrintStream out, boolean terminal, Duration logInterval) {
    this.out = out;
    this.terminal = terminal;
    this.logIntervalNanos = logInterval.toNanos();
  }

  @Override
  public synchronized void progress(Progress progress) {
    String line = line(progress);
    if (terminal) {
      String padding = " ".repeat(Math.max(0, lastLength - line.length()));
      out.print("\r" + line + padding);
      out.flush();
      lastLength = line.length();
      return;
    }
    long now = System.nanoTime();
    if (lastPrinted == Long.MIN_VALUE || now - lastPrinted >= logIntervalNanos) {
      lastPrinted = now;
      out.println("spindle: " + line);
    }
  }

  /** Ends the in-place line and prints the summary. */
  synchronized void summary(CrawlSummary summary, String output) {
    if (terminal && lastLength > 0) {
      out.println();
    }
    var counts = summary.counts();
    String errors = summary.errors().isEmpty() ? "" : ": " + describe(summary.errors());
    long ok = summary.recorded() - summary.errors().values().stream().mapToLong(Long::longValue).sum();
    out.printf(Locale.ROOT, "spindle: %s in %.1f s: %,d pages recorded (%,d ok, %,d errors%s), %.1f pages/s%n",
        summary.stopped() ? "stopped" : summary.failure().isPresent() ? "failed" : "done",
        summary.elapsed().toNanos() / 1e9, summary.recorded(), ok, summary.recorded() - ok, errors,
        summary.pagesPerSecond());
    if (counts.finished() > summary.recorded()) {
      out.printf(Locale.ROOT, "spindle: the crawl in all: %,d pages recorded (%,d ok, %,d errors)%n",
          counts.finished(), counts.fetched(), counts.failed());
    }
    if (counts.queued() + counts.leased() > 0) {
      out.printf(Locale.ROOT, "spindle: %,d URLs were still queued and not fetched%n", counts.queued() + counts.leased());
    }
    if (counts.rejected() > 0) {
      out.printf(Locale.ROOT, "spindle: %,d URLs skipped by the page limits%n", counts.rejected());
    }
    summary.failure().ifPresent(failure -> out.println("spindle: error: " + failure));
    out.println("spindle: records in " + output);
    out.flush();
  }

  static String line(Progress progress) {
    long seconds = progress.elapsed().toSeconds();
    return String.format(Locale.ROOT, "%,d pages (%,d errors) | %,d queued | %d in flight | %.1f pages/s | %d:%02d",
        progress.done(), progress.failed(), progress.queued(), progress.inFlight(), progress.pagesPerSecond(),
        seconds / 60, seconds % 60);
  }

  private static String describe(Map<ErrorKind, Long> errors) {
    return errors.entrySet().stream()
        .sorted(Map.Entry.<ErrorKind, Long>comparingByValue().reversed())
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }
}
