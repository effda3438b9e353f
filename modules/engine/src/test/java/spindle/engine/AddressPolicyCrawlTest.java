package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spindle.fetch.address.HostResolver;
import spindle.fixture.ConnectionTrap;

/**
 * Whole crawls under the address policy: links, redirects and robots.txt that lead to the metadata address or, from
 * a job seeded on the public web, into private addresses, each get one ADDRESS_BLOCKED record and no connection.
 * Every connection goes to loopback: names are judged as other addresses through a resolver that maps them, and a
 * name the policy should refuse is routed to a trap that counts connections.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressPolicyCrawlTest {
  private static final String METADATA = "the cloud metadata address, always refused";

  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path directory;

  private CrawlHarness harness;
  private HttpServer site;
  private ConnectionTrap trap;
  /** The Host header of every request the site answered, with its path. */
  private final List<String> served = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    harness = new CrawlHarness(testKit, directory);
    served.clear();
    trap = ConnectionTrap.start();
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext("/", this::serve);
    site.start();
  }

  @AfterEach
  void stop() {
    site.stop(0);
    trap.close();
  }

  private int port() {
    return site.getAddress().getPort();
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    served.add(exchange.getRequestHeaders().getFirst("Host") + path);
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (path.equals("/robots.txt") && host.startsWith("redirecting.test")) {
      exchange.getResponseHeaders().add("Location", "http://meta.test/robots.txt");
      exchange.sendResponseHeaders(301, -1);
    } else if (path.equals("/robots.txt")) {
      exchange.sendResponseHeaders(404, -1);
    } else if (path.equals("/go")) {
      exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/api/token");
      exchange.sendResponseHeaders(302, -1);
    } else {
      String links = path.equals("/") ? """
          <a href="http://meta.test/latest/meta-data/">a name for the metadata address</a>
          <a href="http://169.254.169.254/latest/user-data">the metadata address</a>
          <a href="http://2852039166/computeMetadata/v1/">the metadata address, in decimal</a>
          <a href="/go">a redirect to the metadata address</a>
          <a href="http://127.0.0.1:%1$d/private">a loopback page</a>
          <a href="http://intranet.test/">a name for a private address</a>
          <a href="/ok">a page of this site</a>
          """.formatted(port()) : "";
      byte[] body = ("<html><body>" + links + "</body></html>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  /**
   * Names judged as the addresses given: the public name and the intranet's name are served by the site, the
   * metadata name by the trap.
   */
  private MappedResolver resolver() {
    return new MappedResolver()
        .route("public.test", "93.184.216.34", site.getAddress())
        .route("intranet.test", "10.0.0.5", site.getAddress())
        .route("redirecting.test", "127.0.0.2", site.getAddress())
        .route("meta.test", "169.254.169.254", trap.address());
  }

  private String scope(String seedHost, String robots, String more) {
    return """
        spindle.scope.allowed-hosts = ["%s", "127.0.0.1:%d", "meta.test", "169.254.169.254", "intranet.test"]
        spindle.robots.enabled = %s
        spindle.politeness.delay = 0s
        %s
        """.formatted(seedHost, port(), robots, more);
  }

  private static void assertBlocked(CrawlHarness.Run run, String url, String message) {
    JsonNode record = run.record(url);
    assertEquals("ADDRESS_BLOCKED", record.get("error").get("kind").asText(), record.toString());
    assertEquals(message, record.get("error").get("message").asText());
    assertEquals(1, run.records().stream().filter(other -> other.get("url").asText().equals(url)).count(),
        "one record per refused URL");
  }

  @ParameterizedTest(name = "robots.txt enabled: {0}")
  @ValueSource(strings = {"on", "off"})
  void linksAndRedirectsToTheMetadataAddressGetAddressBlockedAndNoConnection(String robots) {
    String seed = "http://127.0.0.1:" + port() + "/";
    CrawlHarness.Run run = harness.run(CrawlHarness.config(scope("127.0.0.1:" + port(), robots, "")), List.of(seed),
        resolver());

    assertBlocked(run, "http://meta.test/latest/meta-data/", "169.254.169.254 (meta.test) is " + METADATA);
    assertBlocked(run, "http://169.254.169.254/latest/user-data", "169.254.169.254 is " + METADATA);
    assertBlocked(run, "http://169.254.169.254/computeMetadata/v1/", "169.254.169.254 is " + METADATA);
    JsonNode redirected = run.record("http://127.0.0.1:" + port() + "/go");
    assertEquals("http://169.254.169.254/latest/api/token", redirected.get("final_url").asText());
    assertEquals("ADDRESS_BLOCKED", redirected.get("error").get("kind").asText(), redirected.toString());
    assertEquals("169.254.169.254 is " + METADATA, redirected.get("error").get("message").asText());
    assertEquals(0, trap.connections(), "a connection to a refused address was opened");
    // the seed is on loopback, so the job may reach private addresses: these are fetched
    assertTrue(run.record("http://127.0.0.1:" + port() + "/private").get("error").isNull());
    assertTrue(run.record("http://intranet.test/").get("error").isNull());
    assertTrue(run.record("http://127.0.0.1:" + port() + "/ok").get("error").isNull());
  }

  @Test
  void aJobSeededOnThePublicWebCannotBeLedIntoPrivateAddresses() {
    String seed = "http://public.test:" + port() + "/";
    CrawlHarness.Run run = harness.run(CrawlHarness.config(scope("public.test:" + port(), "on", "")),
        List.of(seed), resolver());

    assertTrue(run.record(seed).get("error").isNull(), run.record(seed).toString());
    assertTrue(run.record(seed + "ok").get("error").isNull());
    String notPrivate = ", refused: the job's seeds are not on private addresses and "
        + "spindle.fetch.allow-private-addresses is off";
    assertBlocked(run, "http://127.0.0.1:" + port() + "/private", "127.0.0.1 is loopback (127.0.0.0/8)" + notPrivate);
    assertBlocked(run, "http://intranet.test/", "10.0.0.5 (intranet.test) is private (10.0.0.0/8)" + notPrivate);
    assertBlocked(run, "http://meta.test/latest/meta-data/", "169.254.169.254 (meta.test) is " + METADATA);
    assertEquals(0, trap.connections(), "a connection to a refused address was opened");
    assertTrue(served.stream().allMatch(request -> request.startsWith("public.test:")),
        "the site was reached under another name: " + served);
  }

  @Test
  void allowPrivateAddressesLetsAPublicJobReachThemButNeverTheMetadataAddress() {
    String seed = "http://public.test:" + port() + "/";
    CrawlHarness.Run run = harness.run(CrawlHarness.config(scope("public.test:" + port(), "on",
        "spindle.fetch.allow-private-addresses = on")), List.of(seed), resolver());

    assertTrue(run.record("http://127.0.0.1:" + port() + "/private").get("error").isNull());
    assertTrue(served.contains("127.0.0.1:" + port() + "/private"), served.toString());
    assertBlocked(run, "http://meta.test/latest/meta-data/", "169.254.169.254 (meta.test) is " + METADATA);
  }

  @Test
  void aRobotsTxtThatRedirectsToARefusedAddressCountsAsARedirectToNowhere() {
    String seed = "http://redirecting.test/ok";
    CrawlHarness.Run run = harness.run(CrawlHarness.config(scope("redirecting.test", "on", "")), List.of(seed),
        resolver());

    assertTrue(run.record(seed).get("error").isNull(), run.record(seed).toString());
    assertTrue(served.contains("redirecting.test/robots.txt"), served.toString());
    assertEquals(0, trap.connections(), "a connection to a refused address was opened");
  }

  /**
   * A resolver that never asks DNS: names map to the addresses to judge, IP literals are parsed, a routed name's
   * allowed connections go to a loopback server, and any other non-loopback connection fails the test.
   */
  static final class MappedResolver implements HostResolver {
    private final Map<String, InetAddress> names = new ConcurrentHashMap<>();
    private final Map<InetAddress, InetSocketAddress> routes = new ConcurrentHashMap<>();

    MappedResolver route(String name, String address, InetSocketAddress loopbackServer) {
      InetAddress judged = literal(address);
      names.put(name, judged);
      routes.put(judged, loopbackServer);
      return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      InetAddress mapped = names.get(host);
      if (mapped != null) {
        return List.of(mapped);
      }
      if (host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        return List.of(literal(host));
      }
      throw new UnknownHostException(host + " (not mapped by the test)");
    }

    @Override
    public InetSocketAddress connectAddress(InetAddress address, int port) {
      InetSocketAddress route = routes.get(address);
      if (route != null) {
        return route;
      }
      if (!address.isLoopbackAddress()) {
        throw new AssertionError("the policy allowed a connection to " + address + ", which a test never makes");
      }
      return new InetSocketAddress(address, port);
    }

    private static InetAddress literal(String text) {
      try {
        return InetAddress.getByName(text); // only ever an IP literal here: parsed, not looked up
      } catch (UnknownHostException impossible) {
        throw new IllegalArgumentException(impossible);
      }
    }
  }
}
