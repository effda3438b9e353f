package spindle.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.core.ErrorKind;
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.TestResolver;
import spindle.fixture.ConnectionTrap;

/**
 * The address policy on real fetches: the resolved address of each connection is judged before it is opened. Every
 * connection that happens goes to a loopback server; names are judged as other addresses through a test resolver,
 * and what should have been refused is routed to a trap that counts connections.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpFetcherAddressTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private HttpServer site;
  private final AtomicInteger siteRequests = new AtomicInteger();
  private FetchSettings settings;

  @BeforeAll
  void start() throws IOException {
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext("/", exchange -> {
      siteRequests.incrementAndGet();
      byte[] body = "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    site.start();
    settings = FetchSettings.fromConfig(ConfigFactory.parseString("""
        spindle.fetch.response-timeout = 10s
        spindle.fetch.total-timeout = 15s
        spindle.fetch.keep-alive = off
        """).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @AfterAll
  void stop() {
    site.stop(0);
  }

  private int sitePort() {
    return site.getAddress().getPort();
  }

  private FetchResult fetch(AddressPolicy policy, TestResolver resolver, String url) {
    HttpFetcher fetcher = HttpFetcher.create(testKit.system(), settings, policy, resolver);
    TestProbe<FetchResult> probe = testKit.createTestProbe();
    fetcher.fetch(url, 1 << 20).thenAccept(probe.ref()::tell);
    return probe.expectMessageClass(FetchResult.class, Duration.ofSeconds(20));
  }

  private static void assertBlocked(FetchResult result, String message) {
    assertEquals(ErrorKind.ADDRESS_BLOCKED, result.error().orElseThrow(() -> new AssertionError(result)).kind(),
        result.toString());
    assertEquals(message, result.error().get().message());
    assertTrue(result.status().isEmpty(), "a refused fetch has no response");
  }

  @Test
  void aNameThatResolvesToTheMetadataAddressIsRefusedBeforeAnyConnection() {
    try (ConnectionTrap trap = ConnectionTrap.start()) {
      TestResolver resolver = new TestResolver().route("meta.test", trap.address(), "169.254.169.254");
      assertBlocked(fetch(new AddressPolicy(true, Set.of()), resolver, "http://meta.test/latest/meta-data/"),
        "169.254.169.254 (meta.test) is the cloud metadata address, always refused");
      assertEquals(0, trap.connections(), "a connection was opened");
    }
  }

  @Test
  void aNameThatDoesNotResolveIsADnsFailure() {
    FetchResult result = fetch(new AddressPolicy(true, Set.of()), new TestResolver(), "http://nowhere.test/");
    assertEquals(ErrorKind.DNS_FAILURE, result.error().orElseThrow().kind(), result.toString());
  }

  @Test
  void aPublicNameIsFetchedAndALoopbackAddressIsRefusedToAPublicJob() {
    TestResolver resolver = new TestResolver().route("public.test", site.getAddress(), "93.184.216.34");
    AddressPolicy publicJob = new AddressPolicy(false, Set.of());
    FetchResult page = fetch(publicJob, resolver, "http://public.test:" + sitePort() + "/");
    assertEquals(200, page.status().getAsInt(), page.toString());

    int before = siteRequests.get();
    assertBlocked(fetch(publicJob, resolver, "http://127.0.0.1:" + sitePort() + "/"),
        "127.0.0.1 is loopback (127.0.0.0/8), refused: the job's seeds are not on private addresses and "
            + "spindle.fetch.allow-private-addresses is off");
    assertEquals(before, siteRequests.get(), "the loopback server got a request");
    assertEquals(200, fetch(new AddressPolicy(true, Set.of()), resolver, "http://127.0.0.1:" + sitePort() + "/")
        .status().getAsInt());
  }

  @Test
  void theServicesOwnPortIsRefusedEvenWherePrivateAddressesAreAllowed() {
    try (ConnectionTrap trap = ConnectionTrap.start()) {
      theServicesOwnPortIsRefused(trap);
    }
  }

  private void theServicesOwnPortIsRefused(ConnectionTrap trap) {
    TestResolver resolver = new TestResolver().map("localhost", "127.0.0.1");
    AddressPolicy inService = new AddressPolicy(true, Set.of(trap.port()));
    assertBlocked(fetch(inService, resolver, "http://127.0.0.1:" + trap.port() + "/api/jobs"),
        "127.0.0.1 port " + trap.port() + " is a port of this Spindle service (admin or cluster), always refused");
    assertBlocked(fetch(inService, resolver, "http://localhost:" + trap.port() + "/api/jobs"),
        "127.0.0.1 (localhost) port " + trap.port() + " is a port of this Spindle service (admin or cluster), "
            + "always refused");
    assertEquals(0, trap.connections(), "a connection was opened");

    fetch(new AddressPolicy(true, Set.of()), resolver, "http://127.0.0.1:" + trap.port() + "/"); // not the service's
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(1, trap.connections(), "the same port is reachable when it is not the service's");
      return null;
    });
  }

  @Test
  void eachConnectionIsJudgedByWhatItsNameResolvesToThen() {
    try (ConnectionTrap trap = ConnectionTrap.start()) {
      eachConnectionIsJudgedByWhatItsNameResolvesTo(trap);
    }
  }

  private void eachConnectionIsJudgedByWhatItsNameResolvesTo(ConnectionTrap trap) {
    TestResolver resolver = new TestResolver().route("rebind.test", site.getAddress(), "93.184.216.34");
    AddressPolicy publicJob = new AddressPolicy(false, Set.of());
    String url = "http://rebind.test:" + sitePort() + "/";
    assertEquals(200, fetch(publicJob, resolver, url).status().getAsInt());
    resolver.route("rebind.test", trap.address(), "169.254.169.254"); // the DNS answer changes
    HttpFetcher fetcher = HttpFetcher.create(testKit.system(), settings, publicJob, resolver);
    TestProbe<FetchResult> probe = testKit.createTestProbe();
    fetcher.fetch(url, 1 << 20).thenAccept(probe.ref()::tell);
    assertBlocked(probe.expectMessageClass(FetchResult.class, Duration.ofSeconds(20)),
        "169.254.169.254 (rebind.test) is the cloud metadata address, always refused");
    assertEquals(0, trap.connections(), "a connection was opened");
  }
}
