package spindle.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
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
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.HostResolver;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.RobotsProfile;

/**
 * A fetcher that keeps exchanges for an archive gives the payload as the server sent it (gzip kept) beside the body
 * the parser reads (decoded), with the request and status lines and headers of the exchange and the server's address.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFetcherExchangeTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private FixtureWeb web;
  private HttpFetcher archiving;
  private HttpFetcher plain;

  @BeforeAll
  void start() {
    web = FixtureWeb.start(FixtureSettings.builder().hosts(2).pagesPerHost(5).seed(3).compress(1, true)
        .robots(RobotsProfile.ALLOW_ALL).build());
    FetchSettings settings = FetchSettings.fromConfig(ConfigFactory.parseString("""
        spindle.fetch.max-body-size = 1MiB
        spindle.fetch.allow-private-addresses = on
        """).withFallback(ConfigFactory.defaultReference()).resolve());
    archiving = HttpFetcher.archiving(testKit.system(), settings, AddressPolicy.of(settings), HostResolver.system());
    plain = HttpFetcher.create(testKit.system(), settings);
  }

  @AfterAll
  void stop() {
    web.close();
  }

  private FetchResult fetch(HttpFetcher fetcher, String url, long maxBytes) {
    TestProbe<FetchResult> probe = testKit.createTestProbe();
    fetcher.fetch(url, maxBytes).thenAccept(probe.ref()::tell);
    return probe.expectMessageClass(FetchResult.class, Duration.ofSeconds(10));
  }

  @Test
  void aGzippedPageIsKeptAsSentAndDecodedForTheParser() throws Exception {
    String url = web.pageUrl(1, 2);
    FetchResult kept = fetch(archiving, url, 1 << 20);
    Exchange exchange = kept.exchange().orElseThrow();
    assertEquals(0x1f, exchange.payload()[0] & 0xff, "the payload is not gzip as sent");
    assertEquals(0x8b, exchange.payload()[1] & 0xff);
    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(exchange.payload())).readAllBytes();
    assertArrayEquals(unzipped, kept.body());
    assertArrayEquals(fetch(plain, url, 1 << 20).body(), kept.body(), "the parser reads what it read before");
    assertTrue(exchange.responseHeaders().contains(new Exchange.Header("Content-Encoding", "gzip")),
        exchange.responseHeaders().toString());
    assertTrue(exchange.statusLine().equals("HTTP/1.1 200 OK"), exchange.statusLine());
    String path = url.replaceFirst("^http://[^/]+", "");
    assertEquals("GET " + path + " HTTP/1.1", exchange.requestLine());
    assertEquals("Host", exchange.requestHeaders().get(0).name());
    assertTrue(exchange.requestHeaders().stream().anyMatch(header -> header.name().equals("User-Agent")
        && header.value().startsWith("SpindleBot")), exchange.requestHeaders().toString());
    assertEquals(Optional.of(InetAddress.getByName(web.hostName(1).replaceFirst(":\\d+$", ""))), exchange.ip());
  }

  @Test
  void aPageCutAtTheLimitIsTruncatedInBothForms() {
    FetchResult cut = fetch(archiving, web.pageUrl(0, 3), 1000);
    assertTrue(cut.truncated());
    assertEquals(1000, cut.body().length);
    assertEquals(1000, cut.exchange().orElseThrow().payload().length);
    assertTrue(cut.exchange().orElseThrow().truncated());
    assertFalse(fetch(archiving, web.pageUrl(0, 3), 1 << 20).exchange().orElseThrow().truncated());
  }

  @Test
  void aCompressedPayloadUnderTheLimitIsWholeEvenWhenItsDecodedBodyIsCut() {
    String url = web.pageUrl(1, 2);
    int sent = fetch(archiving, url, 1 << 20).exchange().orElseThrow().payload().length;
    FetchResult cut = fetch(archiving, url, sent + 10);
    assertTrue(cut.truncated(), "the body the parser reads is cut");
    assertEquals(sent, cut.exchange().orElseThrow().payload().length);
    assertFalse(cut.exchange().orElseThrow().truncated(), "the payload as sent is whole");
  }

  @Test
  void aPlainFetcherKeepsNoExchange() {
    assertFalse(fetch(plain, web.pageUrl(0, 1), 1 << 20).exchange().isPresent());
  }
}
