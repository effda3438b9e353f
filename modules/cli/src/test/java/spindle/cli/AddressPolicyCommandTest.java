package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import spindle.fixture.ConnectionTrap;

/**
 * The address policy seen by a user (docs/security.md): {@code spindle crawl} refuses a job whose every seed is
 * refused with exit 2 and one line, creating nothing; {@code spindle serve} answers 400 to such a job, and refuses its
 * own admin port to every job, even one seeded on loopback. Every connection here stays on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressPolicyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path directory;

  private ChildService service;
  private HttpServer site;

  @BeforeAll
  void start() throws IOException {
    service = ChildService.start(directory, directory.resolve("spindle.log"),
        List.of("--set", "spindle.admin.jobs-dir=" + directory.resolve("service")));
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    site.createContext("/", exchange -> {
      byte[] body = ("<html><body><a href=\"" + service.base() + "/api/jobs\">the service itself</a>"
          + "<a href=\"/ok\">a page</a></body></html>").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/html");
      exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/robots.txt") ? 404 : 200,
          exchange.getRequestURI().getPath().equals("/robots.txt") ? -1 : body.length);
      if (!exchange.getRequestURI().getPath().equals("/robots.txt")) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    site.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (site != null) {
      site.stop(0);
    }
    if (service != null) {
      service.terminate();
      assertEquals(0, service.awaitExit(60), service.transcript());
    }
  }

  private int adminPort() {
    return URI.create(service.base()).getPort();
  }

  @Test
  void aCrawlWhoseEverySeedIsRefusedStopsWithOneLineAndCreatesNothing() {
    try (ConnectionTrap trap = ConnectionTrap.start()) { // 0.0.0.0 would reach this machine: the trap listens there
      Path out = directory.resolve("cli/unspecified.jsonl");
      Path store = directory.resolve("cli/data");
      StringWriter err = new StringWriter();
      CommandLine commandLine = Main.commandLine();
      commandLine.setErr(new PrintWriter(err));
      commandLine.setOut(new PrintWriter(new StringWriter()));
      int code = commandLine.execute("crawl", "--seed", "http://0.0.0.0:" + trap.port() + "/", "--out", out.toString(),
          "--set", "spindle.store.dir=" + store);

      assertEquals(2, code, err.toString());
      assertEquals(List.of("spindle: error: --seed http://0.0.0.0:" + trap.port() + "/: every seed is refused by the "
          + "address policy (docs/security.md): http://0.0.0.0:" + trap.port() + "/: 0.0.0.0 is unspecified (0.0.0.0/8: "
          + "this host), always refused"), err.toString().strip().lines().toList());
      assertFalse(Files.exists(out), "the output was created");
      assertFalse(Files.exists(store), "the store was created");
      assertEquals(0, trap.connections(), "a connection was opened");
    }
  }

  @Test
  void theServiceRefusesAJobSeededOnlyAtItsOwnAdminPort() {
    String seed = "http://127.0.0.1:" + adminPort() + "/api/jobs";
    ChildService.Answer refused = service.post("/api/jobs", "application/json",
        "{\"spindle\": {\"job\": {\"name\": \"itself\", \"seeds\": [\"" + seed + "\"]}}}");

    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.body().contains("spindle.job.seeds: every seed is refused by the address policy "
        + "(docs/security.md): " + seed + ": 127.0.0.1 port " + adminPort() + " is a port of this Spindle service "
        + "(admin or cluster), always refused"), refused.body());
    assertFalse(Files.exists(directory.resolve("data/itself")), "the job's store was created");
  }

  @Test
  void aJobSeededOnLoopbackStillGetsAddressBlockedForTheServicesAdminPort() throws IOException {
    String seed = "http://127.0.0.1:" + site.getAddress().getPort() + "/";
    Path out = directory.resolve("out/loopback.jsonl"); // the service runs in the directory: relative paths
    ChildService.Answer created = service.post("/api/jobs", "application/hocon", "spindle {\n"
        + "  job.name = loopback\n"
        + "  job.seeds = [\"" + seed + "\"]\n"
        + "  scope.allowed-hosts = [\"127.0.0.1:" + site.getAddress().getPort() + "\", \"127.0.0.1:" + adminPort()
        + "\"]\n"
        + "  politeness.delay = 0s\n"
        + "  output.path = \"out/loopback.jsonl\"\n"
        + "}\n");
    assertEquals(201, created.status(), created.body());
    service.await("/api/jobs/loopback", Duration.ofSeconds(60), "the job finished",
        job -> job.get("state").asText().equals("finished"));

    JsonNode admin = null;
    int ok = 0;
    for (String line : Files.readAllLines(out)) {
      JsonNode record = JSON.readTree(line);
      if (record.get("url").asText().equals(service.base() + "/api/jobs")) {
        admin = record;
      } else if (record.get("error").isNull()) {
        ok++;
      }
    }
    assertEquals(2, ok, "the seed and its page were fetched");
    assertTrue(admin != null, "no record for the admin API");
    assertEquals("ADDRESS_BLOCKED", admin.get("error").get("kind").asText(), admin.toString());
    assertEquals("127.0.0.1 port " + adminPort() + " is a port of this Spindle service (admin or cluster), always "
        + "refused", admin.get("error").get("message").asText());
  }
}
