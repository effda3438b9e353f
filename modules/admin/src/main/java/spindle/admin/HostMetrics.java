package spindle.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.store.Frontier;
import spindle.store.FrontierCounts;
import spindle.store.HostOrder;
import spindle.store.HostTally;
import spindle.store.StoreException;

/**
 * Per-host gauges with bounded cardinality: for each running job, {@code spindle_host_queued{job,host}},
 * {@code spindle_host_fetched{job,host}} and {@code spindle_host_failed{job,host}} for the {@code top} hosts with the
 * most of each (from the frontier's per-host tallies), and one series with {@code host="other"} per gauge that sums
 * every other host. A crawl of a million hosts so exports {@code 3 x (top + 1)} series per job, not millions.
 * {@link #refresh()} recomputes them; {@code /metrics} calls it before each scrape.
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
  private final MultiGauge fetched;
  private final MultiGauge failed;

  /** Registers the gauges in {@code registry}, with {@code top} hosts per job and "other". */
  public HostMetrics(MeterRegistry registry, int top) {
    this.top = top;
    this.queued = MultiGauge.builder("spindle.host.queued")
        .description("URLs queued per host: the hosts with the most, per job, and host=\"other\" for the rest")
        .register(registry);
    this.fetched = MultiGauge.builder("spindle.host.fetched")
        .description("URLs recorded without an error per host: the hosts with the most, per job, and "
            + "host=\"other\" for the rest")
        .register(registry);
    this.failed = MultiGauge.builder("spindle.host.failed")
        .description("URLs recorded with an error per host: the hosts with the most, per job, and host=\"other\" "
            + "for the rest")
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
   * Recomputes every series: at most {@code top + 1} per gauge and registered job. May block on a frontier: call it
   * from a blocking dispatcher.
   */
  public synchronized void refresh() {
    List<MultiGauge.Row<?>> queuedRows = new ArrayList<>();
    List<MultiGauge.Row<?>> fetchedRows = new ArrayList<>();
    List<MultiGauge.Row<?>> failedRows = new ArrayList<>();
    frontiers.forEach((job, frontier) -> {
      try {
        FrontierCounts counts = frontier.counts();
        rows(job, frontier.hosts(HostOrder.QUEUED, top), HostTally::queued, counts.queued(), queuedRows);
        rows(job, frontier.hosts(HostOrder.FETCHED, top), HostTally::fetched, counts.fetched(), fetchedRows);
        rows(job, frontier.hosts(HostOrder.FAILED, top), HostTally::failed, counts.failed(), failedRows);
      } catch (StoreException | IllegalStateException closed) { // the job ended meanwhile: it drops out below
        LOG.debug("host metrics skipped job={}: {}", job, closed.getMessage());
      }
    });
    queued.register(queuedRows, true);
    fetched.register(fetchedRows, true);
    failed.register(failedRows, true);
  }

  /** The rows of one job for one gauge: its hosts with a count above 0, and "other" with the rest of the total. */
  private static void rows(String job, List<HostTally> hosts, ToLongFunction<HostTally> count, long total,
      List<MultiGauge.Row<?>> rows) {
    long listed = 0;
    for (HostTally host : hosts) {
      long value = count.applyAsLong(host);
      if (value > 0) {
        rows.add(MultiGauge.Row.of(Tags.of("job", job, "host", host.host().name()), value));
        listed += value;
      }
    }
    rows.add(MultiGauge.Row.of(Tags.of("job", job, "host", OTHER), Math.max(0, total - listed)));
  }
}
