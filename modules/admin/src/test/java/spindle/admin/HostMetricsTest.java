package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.store.Frontier;
import spindle.store.FrontierLimits;
import spindle.store.MemoryFrontier;

/** Per-host series stay bounded: the top N hosts of each job by queued, fetched and failed URLs, and "other". */
class HostMetricsTest {
  private static final Pattern SERIES = Pattern.compile("^spindle_host_(queued|fetched|failed)\\{host=\"([^\"]+)\","
      + "job=\"([^\"]+)\"} ([0-9.E]+)$", Pattern.MULTILINE);

  /** A frontier with {@code hosts} hosts, host i having i+1 queued URLs. */
  private static MemoryFrontier frontier(int hosts) {
    MemoryFrontier frontier = new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint);
    List<CrawlUrl> urls = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      for (int page = 0; page <= h; page++) {
        urls.add(CrawlUrl.seed("http://host" + h + ".example/" + page, HostKey.of("host" + h + ".example", -1)));
      }
    }
    frontier.add(urls);
    return frontier;
  }

  private static Map<String, Double> series(PrometheusMeterRegistry registry, String job) {
    return series(registry, "queued", job);
  }

  private static Map<String, Double> series(PrometheusMeterRegistry registry, String gauge, String job) {
    Map<String, Double> values = new LinkedHashMap<>();
    Matcher matcher = SERIES.matcher(registry.scrape());
    while (matcher.find()) {
      if (matcher.group(1).equals(gauge) && matcher.group(3).equals(job)) {
        values.put(matcher.group(2), Double.parseDouble(matcher.group(4)));
      }
    }
    return values;
  }

  @Test
  void eachJobExportsItsTopHostsAndOneOtherSeriesWhateverItsNumberOfHosts() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostMetrics metrics = new HostMetrics(registry, 5);
    try (MemoryFrontier big = frontier(200); MemoryFrontier small = frontier(3)) {
      metrics.register("big", big);
      metrics.register("small", small);
      metrics.refresh();

      Map<String, Double> bigSeries = series(registry, "big");
      assertEquals(6, bigSeries.size(), bigSeries.toString());
      assertEquals(List.of("host199.example", "host198.example", "host197.example", "host196.example",
          "host195.example", "other"), List.copyOf(bigSeries.keySet()).stream().sorted((a, b) -> a.equals("other")
          ? 1 : b.equals("other") ? -1 : b.compareTo(a)).toList());
      assertEquals(200.0, bigSeries.get("host199.example"));
      double total = 200 * 201 / 2.0;
      assertEquals(total, bigSeries.values().stream().mapToDouble(Double::doubleValue).sum(), "the series add up");
      assertEquals(total - (200 + 199 + 198 + 197 + 196), bigSeries.get("other"));

      assertEquals(Map.of("other", 0.0), series(registry, "fetched", "big"), "nothing fetched yet");
      List<CrawlUrl> leased = big.lease(HostKey.of("host7.example", -1), 3);
      big.complete(List.of(new Frontier.Completion(leased.get(0), false), new Frontier.Completion(leased.get(1), false),
          new Frontier.Completion(leased.get(2), true)), 0);
      List<CrawlUrl> more = big.lease(HostKey.of("host8.example", -1), 1);
      big.complete(List.of(new Frontier.Completion(more.get(0), false)), 0);
      metrics.refresh();
      assertEquals(Map.of("host7.example", 2.0, "host8.example", 1.0, "other", 0.0),
          series(registry, "fetched", "big"));
      assertEquals(Map.of("host7.example", 1.0, "other", 0.0), series(registry, "failed", "big"));
      assertEquals(6, series(registry, "queued", "big").size());

      Map<String, Double> smallSeries = series(registry, "small");
      assertEquals(Map.of("host0.example", 1.0, "host1.example", 2.0, "host2.example", 3.0, "other", 0.0),
          smallSeries);

      metrics.unregister("big");
      metrics.refresh();
      for (String gauge : List.of("queued", "fetched", "failed")) {
        assertTrue(series(registry, gauge, "big").isEmpty(), "an ended job's " + gauge + " series stay");
      }
      assertEquals(4, series(registry, "small").size());
    }
  }
}
