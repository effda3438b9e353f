package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.HostKey;
import spindle.store.FrontierCounts;

/** The operator's meters of a crawl that its actors and stages feed, read as a scrape reads them. */
class CrawlMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CrawlMetrics metrics = new CrawlMetrics(registry, () -> new FrontierCounts(0, 0, 0, 0, 0, 0, 0),
      Tags.of("job", "metered"));

  @TempDir
  Path directory;

  private double gauge(String name) {
    return registry.get(name).tag("job", "metered").gauge().value();
  }

  @Test
  void theLongestBackoffIsThatOfTheHostBackingOffSinceTheEarliestAndEndsWithItsGoodAnswer() {
    HostKey slow = HostKey.of("slow.example", -1);
    HostKey flaky = HostKey.of("flaky.example", -1);
    metrics.backingOff(slow, 1_000_000_000L);
    metrics.backingOff(flaky, 5_000_000_000L);
    metrics.backingOff(slow, 8_000_000_000L); // another retry: the host still backs off since the first
    assertEquals(9.0, metrics.longestBackoffSeconds(10_000_000_000L));
    assertEquals(2, gauge("spindle.hosts.backing.off"));
    metrics.backoffEnded(slow);
    assertEquals(5.0, metrics.longestBackoffSeconds(10_000_000_000L));
    metrics.backoffEnded(flaky);
    assertEquals(0.0, metrics.longestBackoffSeconds(10_000_000_000L));
    assertEquals(0, gauge("spindle.hosts.backing.off"));
  }

  @Test
  void theStoreGaugesReadItsSizeOnDiskAndTheFreeSpaceOfItsFileSystem() throws IOException {
    Files.write(directory.resolve("000001.sst"), new byte[3000]);
    Files.createDirectories(directory.resolve("sub"));
    Files.write(directory.resolve("sub/LOG"), new byte[500]);
    metrics.store(directory);
    assertEquals(3500, gauge("spindle.store.size"));
    double free = gauge("spindle.store.disk.free");
    double total = gauge("spindle.store.disk.total");
    assertTrue(free > 0 && free <= total, free + " free of " + total);
  }

  @Test
  void pausedHostsOutputAndTheCapAreWhatTheCrawlLastSaid() {
    metrics.inFlightLimit(16);
    metrics.hosts(7, 3);
    metrics.paused(true);
    metrics.outputWritten(1200);
    metrics.outputWritten(300);
    metrics.retried();
    assertEquals(16, gauge("spindle.fetches.in.flight.limit"));
    assertEquals(7, gauge("spindle.hosts.active"));
    assertEquals(3, gauge("spindle.hosts.waiting"));
    assertEquals(1, gauge("spindle.crawl.paused"));
    assertEquals(1500, registry.get("spindle.output.bytes").counter().count());
    assertEquals(1, registry.get("spindle.fetch.retries").counter().count());
    assertEquals(0, registry.get("spindle.warc.bytes").counter().count(), "no WARC output yet");
    metrics.paused(false);
    assertEquals(0, gauge("spindle.crawl.paused"));
  }
}
