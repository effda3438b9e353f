package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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

/**
 * Whole crawls of a few hand-written pages on a loopback server: links reach the crawl as a browser finds them
 * (a bad {@code <base>}, meta refresh, a legacy-charset query).
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkExtractionCrawlTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir
  Path directory;

  private final Map<String, Page> pages = new ConcurrentHashMap<>();
  private final Queue<String> requested = new ConcurrentLinkedQueue<>();
  private HttpServer server;
  private String origin;

  private record Page(String contentType, byte[] body) {}

  @BeforeEach
  void startServer() throws IOException {
    pages.clear();
    requested.clear();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.start();
    origin = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void serve(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
    requested.add(target);
    Page page = pages.get(target);
    byte[] body = page == null ? "not here".getBytes(StandardCharsets.US_ASCII) : page.body();
    exchange.getResponseHeaders().set("Content-Type", page == null ? "text/plain" : page.contentType());
    exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void page(String target, String html) {
    pages.put(target, new Page("text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8)));
  }

  private CrawlHarness.Run crawl(String seed) {
    return new CrawlHarness(testKit, directory).run(CrawlHarness.config("""
        spindle.politeness.delay = 0s
        spindle.fetch.retry.max-retries = 0
        """), List.of(origin + seed));
  }

  @Test
  void aPageWhoseBaseIsJavascriptStillLeadsTheCrawlToItsRelativeLinks() {
    page("/", "<html><head><base href=\"javascript:void(0)\"><title>Home</title></head><body>"
        + "<a href=\"a.html\">a</a> <a href=\"docs/b.html\">b</a></body></html>");
    page("/a.html", "<title>A</title><a href='docs/b.html'>b</a>");
    page("/docs/b.html", "<title>B</title>");
    CrawlHarness.Run run = crawl("/");

    assertEquals(List.of(origin + "/", origin + "/a.html", origin + "/docs/b.html"),
        run.urls().stream().sorted().toList());
    assertEquals(run.records().size(), run.ok().size(), "errors: " + run.records());
    assertEquals(origin + "/", run.record(origin + "/a.html").get("parent").asText());
    assertEquals(2, run.record(origin + "/").get("outlinks").asInt());
    assertTrue(requested.contains("/docs/b.html"), "requests: " + requested);
  }

  @Test
  void aQueryOnAWindows1252PageReachesTheServerInThatEncoding() {
    Charset windows1252 = Charset.forName("windows-1252");
    pages.put("/", new Page("text/html; charset=windows-1252",
        "<a href='/s\u00fc?q=\u00fc'>search</a>".getBytes(windows1252)));
    page("/s%C3%BC?q=%FC", "<title>found</title>");
    CrawlHarness.Run run = crawl("/");

    assertEquals("found", run.record(origin + "/s%C3%BC?q=%FC").get("title").asText());
    assertTrue(requested.contains("/s%C3%BC?q=%FC"), "requests: " + requested);
  }

  @Test
  void aMetaRefreshWithoutDelayIsRecordedAsARedirectAndOneWithADelayIsALink() {
    page("/", "<a href='/moved'>moved</a> <a href='/notice'>notice</a>");
    page("/moved", "<html><head><meta http-equiv='refresh' content='0; URL=\"/new-home\"'></head>"
        + "<body><a href='/other'>other</a></body>");
    page("/new-home", "<title>New home</title>");
    page("/notice", "<meta http-equiv=Refresh content='5;url=/later'><title>Moving soon</title>");
    page("/later", "<title>Later</title>");
    page("/other", "<title>Other</title>");
    CrawlHarness.Run run = crawl("/");

    JsonNode moved = run.record(origin + "/moved");
    assertEquals(origin + "/new-home", moved.get("final_url").asText());
    assertEquals("New home", moved.get("title").asText());
    assertEquals(List.of(origin + "/moved"), List.of(moved.get("redirects").get(0).asText()));
    assertEquals(1, moved.get("depth").asInt(), "a redirect does not go one level deeper");
    assertTrue(run.records().stream().noneMatch(r -> r.get("url").asText().equals(origin + "/new-home")),
        "the target is recorded once, as the end of the chain: " + run.urls());
    assertEquals(origin + "/moved", run.record(origin + "/other").get("parent").asText(),
        "the refreshing page's other links are still followed");
    JsonNode later = run.record(origin + "/later");
    assertEquals(origin + "/notice", later.get("parent").asText());
    assertEquals(2, later.get("depth").asInt());
    assertEquals("Moving soon", run.record(origin + "/notice").get("title").asText());
  }
}
