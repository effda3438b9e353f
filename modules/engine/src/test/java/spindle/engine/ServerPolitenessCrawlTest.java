package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import spindle.fetch.address.DnsCache;
import spindle.fetch.address.DnsSettings;
import spindle.fetch.address.HostResolver;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;

/**
 * Politeness per server ({@code spindle.politeness.key}) and names pinned with {@code spindle.dns.static}, in whole
 * crawls. Several names are pinned to one loopback address of the fixture (which serves the same site whatever the
 * Host header); the fixture's own request log says how close together the address was asked. No name is ever looked
 * up in DNS: pinned names are answered by the job's resolver, and any other name by a test resolver that fails.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerPolitenessCrawlTest {
  private static final Duration DELAY = Duration.ofMillis(300);

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path directory;

  private CrawlHarness harness;

  @BeforeEach
  void start() {
    harness = new CrawlHarness(testKit, directory);
  }

  @Test
  void twoNamesOfOneAddressKeyedByIpAreNeverAskedCloserThanTheDelay() {
    try (FixtureWeb web = site("127.0.0.2")) {
      CrawlHarness.Run run = crawl(web, "ip", "a.test", "b.test");
      assertEquals(8, run.ok().size(), run.urls().toString());
      assertEquals(10, web.requests(0).size(), "two robots.txt and eight pages, all to 127.0.0.2");
      Duration closest = closestGap(web.requests(0));
      assertTrue(closest.compareTo(DELAY) >= 0, "two requests to 127.0.0.2 only " + closest.toMillis() + " ms apart");
    }
  }

  @Test
  void twoNamesOfOneAddressKeyedByHostAreAskedCloserThanTheDelay() {
    // the control of the test above: with a queue per name, the address sees both names' requests interleaved
    try (FixtureWeb web = site("127.0.0.2")) {
      CrawlHarness.Run run = crawl(web, "host", "a.test", "b.test");
      assertEquals(8, run.ok().size(), run.urls().toString());
      Duration closest = closestGap(web.requests(0));
      assertTrue(closest.compareTo(DELAY) < 0, "per host name, the gap was still " + closest.toMillis() + " ms");
    }
  }

  @Test
  void twoSubdomainsKeyedByDomainShareOneQueue() {
    try (FixtureWeb web = site("127.0.0.3")) {
      CrawlHarness.Run run = crawl(web, "domain", "a.example.com", "b.example.com");
      assertEquals(8, run.ok().size(), run.urls().toString());
      assertTrue(run.urls().stream().anyMatch(url -> url.startsWith("http://b.example.com:")), run.urls().toString());
      Duration closest = closestGap(web.requests(0));
      assertTrue(closest.compareTo(DELAY) >= 0, "two requests to example.com only " + closest.toMillis()
          + " ms apart");
    }
  }

  @Test
  void aNameThatDoesNotResolveGetsDnsFailureRecordsAfterItsRetriesAndTheCrawlEnds() {
    try (FixtureWeb web = site("127.0.0.4")) {
      Config config = CrawlHarness.config(pins("ip", "a.test").replace("__ADDRESS__", web.hostAddress(0)) + """
          spindle.robots.max-error-retries = 1
          """);
      CountingResolver upstream = new CountingResolver();
      HostResolver resolver = new DnsCache(DnsSettings.fromConfig(config), upstream, System::nanoTime);
      List<String> seeds = new ArrayList<>(seeds(web, "a.test"));
      seeds.add("http://nowhere.invalid/");
      seeds.add("http://nowhere.invalid/page");
      CrawlHarness.Run run = harness.run(config, seeds, resolver);

      assertEquals(4, run.ok().size(), run.urls().toString());
      List<JsonNode> failed = run.withError("DNS_FAILURE");
      assertEquals(2, failed.size(), run.records().toString());
      assertTrue(failed.get(0).get("error").get("message").asText().contains("nowhere.invalid"), failed.toString());
      // the seeds' policy, robots.txt and its one retry: each a lookup of its own, a failure is never kept
      assertTrue(upstream.lookups("nowhere.invalid") >= 3, "lookups " + upstream.lookups("nowhere.invalid"));
      assertEquals(0, upstream.lookups("a.test"), "a pinned name is never looked up");
    }
  }

  @Test
  void aPageOfANameThatDoesNotResolveIsRetriedThenRecordedAsDnsFailure() {
    Config config = CrawlHarness.config("""
        spindle.robots.enabled = off
        spindle.fetch.retry.max-retries = 2
        spindle.politeness.delay = 0s
        """);
    CountingResolver upstream = new CountingResolver();
    HostResolver resolver = new DnsCache(DnsSettings.fromConfig(config), upstream, System::nanoTime);
    CrawlHarness.Run run = harness.run(config, List.of("http://nowhere.invalid/"), resolver);

    assertEquals(1, run.records().size(), run.records().toString());
    assertEquals(1, run.withError("DNS_FAILURE").size(), run.records().toString());
    // one lookup for the seeds' policy, then one per attempt: the first and two retries
    assertEquals(4, upstream.lookups("nowhere.invalid"));
  }

  private static FixtureWeb site(String address) {
    return FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(10).seed(17).baseAddress(address)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(20)).build());
  }

  /** A crawl of four pages under each of {@code names}, all pinned to the fixture's one address. */
  private CrawlHarness.Run crawl(FixtureWeb web, String key, String... names) {
    Config config = CrawlHarness.config(pins(key, names).replace("__ADDRESS__", web.hostAddress(0)));
    HostResolver resolver = new DnsCache(DnsSettings.fromConfig(config), new CountingResolver(), System::nanoTime);
    List<String> seeds = new ArrayList<>();
    for (String name : names) {
      seeds.addAll(seeds(web, name));
    }
    CrawlHarness.Run run = harness.run(config.resolve(), seeds, resolver);
    assertTrue(web.awaitIdle(Duration.ofSeconds(5)), "the fixture still serves a request");
    return run;
  }

  private static String pins(String key, String... names) {
    StringBuilder hocon = new StringBuilder("""
        spindle.fetch.concurrency = 4
        spindle.politeness.delay = %dms
        spindle.politeness.key = %s
        spindle.scope.max-depth = 0
        """.formatted(DELAY.toMillis(), key));
    for (String name : names) {
      hocon.append("spindle.dns.static.\"").append(name).append("\" = \"__ADDRESS__\"\n");
    }
    return hocon.toString();
  }

  /** Pages 0 to 3 of the fixture's host, under {@code name} instead of its address. */
  private static List<String> seeds(FixtureWeb web, String name) {
    List<String> seeds = new ArrayList<>();
    for (int page = 0; page < 4; page++) {
      seeds.add(web.pageUrl(0, page).replace(web.hostAddress(0), name));
    }
    return seeds;
  }

  /** The shortest time between the end of one request and the start of the next, in the order they started. */
  private static Duration closestGap(List<RequestRecord> requests) {
    List<RequestRecord> ordered = new ArrayList<>(requests);
    ordered.sort(Comparator.comparingLong(RequestRecord::startNanos));
    long closest = Long.MAX_VALUE;
    for (int i = 1; i < ordered.size(); i++) {
      closest = Math.min(closest, ordered.get(i).startNanos() - ordered.get(i - 1).endNanos());
    }
    return Duration.ofNanos(closest);
  }

  /** Parses IP literals and fails every name, counting the lookups: the network is never asked. */
  private static final class CountingResolver implements HostResolver {
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    int lookups(String name) {
      return lookups.getOrDefault(name, new AtomicInteger()).get();
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      lookups.computeIfAbsent(host, name -> new AtomicInteger()).incrementAndGet();
      if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        return List.of(InetAddress.getByName(host)); // an IP literal: parsed, not looked up
      }
      throw new UnknownHostException(host + " (not pinned; the test asks no DNS)");
    }

    @Override
    public InetSocketAddress connectAddress(InetAddress address, int port) {
      if (!address.isLoopbackAddress()) {
        throw new AssertionError("a connection to " + address + ", which a test never makes");
      }
      return new InetSocketAddress(address, port);
    }
  }
}
