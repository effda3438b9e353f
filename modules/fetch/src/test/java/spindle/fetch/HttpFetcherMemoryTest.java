package spindle.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * What a fetched page costs after it is handed over: a crawl keeps hundreds of pooled connections open, and each one
 * that kept its last page would hold that page's bytes until its next response (~200 kB a connection on the
 * benchmark's pages, 34.8 MB of a 64-fetcher crawl's heap before this was fixed).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFetcherMemoryTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private FixtureWeb web;
  private HttpFetcher fetcher;

  @BeforeAll
  void start() {
    // pages far larger than one network read, so the client streams the body instead of handing it over whole
    web = FixtureWeb.start(FixtureSettings.builder().hosts(1).pagesPerHost(3).seed(7).pageSize(400_000, 500_000)
        .compress(false).robots(RobotsProfile.ALLOW_ALL).build());
    fetcher = HttpFetcher.create(testKit.system(), FetchSettings.fromConfig(ConfigFactory.parseString("""
        spindle.fetch.idle-timeout = 60s
        spindle.fetch.allow-private-addresses = on
        """).withFallback(ConfigFactory.defaultReference()).resolve()));
  }

  @AfterAll
  void stop() {
    web.close();
  }

  @Test
  void anIdlePooledConnectionDoesNotKeepTheLastPageItRead() {
    WeakReference<byte[]> body = fetchedBody(web.pageUrl(0, 0));
    // the connection stays open in the host's pool (idle timeout 60 s); only the page's bytes must go
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), Duration.ofMillis(100), () -> {
      System.gc();
      assertTrue(body.get() == null, "the page's bytes are still reachable after the fetch was handed over");
      return null;
    });
  }

  /** Fetches {@code url} and returns its body weakly: the result itself is dropped here. */
  private WeakReference<byte[]> fetchedBody(String url) {
    TestProbe<FetchResult> probe = testKit.createTestProbe();
    fetcher.fetch(url, 1 << 20).thenAccept(probe.ref()::tell);
    FetchResult result = probe.expectMessageClass(FetchResult.class, Duration.ofSeconds(10));
    assertEquals(200, result.status().getAsInt(), result.toString());
    assertTrue(result.body().length >= 400_000, "the page is " + result.body().length + " bytes");
    return new WeakReference<>(result.body());
  }
}
