package spindle.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.store.Frontier;
import spindle.store.StoreException;

/**
 * Per-host gauges with bounded cardinality: for each running job, the {@code top} hosts with the most queued URLs
 * get their own series ({@code spindle_host_queued{job,host}}) and every other host is summed into one series with
 * {@code host="other"}, so a crawl of a million hosts exports {@code top + 1} series per job, not a million.
 * {@link #refresh()} recomputes them from the jobs' frontiers; {@code /metrics} calls it before each scrape.
 *
 * <p>Thread-safe: the job manager registers and unregisters frontiers while scrapes refresh on a blocking-io thread.
 */
public final class HostMetrics {
  /** The host tag of the series that sums the hosts outside the top. */
  public static final String OTHER = "other";

  private static final Logger LOG = LoggerFactory.getLogger(HostMetrics.class);

  private final int top;
  private final Map<String, Frontier> frontiers = new ConcurrentHashMap<>();
  private final MultiGauge queued;

  /** Registers the gauges in {@code registry}, with {@code top} hosts per job and "other". */
  public HostMetrics(MeterRegistry registry, int top) {
    this.top = top;
    this.queued = MultiGauge.builder("spindle.host.queued")
        .description("URLs queued per host: the hosts with the most, per job, and host=\"other\" for the rest")
        .register(registry);
  }

  /** Starts exporting the hosts of {@code job}, read from {@code frontier}. */
  public void register(String job, Frontier frontier) {
    frontiers.put(job, frontier);
  }

  /** Stops exporting the hosts of {@code job} (before its frontier is closed); its series go at the next refresh. */
  public void unregister(String job) {
    frontiers.remove(job);
  }

  /**
   * Recomputes every series: at most {@code top + 1} per registered job. May block on a frontier: call it from a
   * blocking dispatcher.
   */
  public synchronized void refresh() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    frontiers.forEach((job, frontier) -> {
      try {
        long total = frontier.counts().queued();
        long listed = 0;
        for (Frontier.HostCount host : frontier.busiestHosts(top)) {
          rows.add(MultiGauge.Row.of(Tags.of("job", job, "host", host.host().name()), host.queued()));
          listed += host.queued();
        }
        rows.add(MultiGauge.Row.of(Tags.of("job", job, "host", OTHER), Math.max(0, total - listed)));
      } catch (StoreException | IllegalStateException closed) { // the job ended meanwhile: it drops out below
        LOG.debug("host metrics skipped job={}: {}", job, closed.getMessage());
      }
    });
    queued.register(rows, true);
  }
}
