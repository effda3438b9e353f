package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.fixture.FixtureSettings;
import spindle.fixture.FixtureWeb;
import spindle.fixture.ReachableUrl;
import spindle.fixture.RequestRecord;
import spindle.fixture.RobotsProfile;
import spindle.store.PostgresFrontier;
import spindle.store.TestPostgres;

/**
 * Three {@code spindle serve --cluster} nodes, each a JVM of its own on its own loopback address (127.0.0.2, .3,
 * .4), share one crawl of a 50-host fixture web through the test PostgreSQL: the union of their outputs holds every
 * reachable URL, and the fixture's own log shows no request to a host sooner than the delay after the previous one
 * ended, whichever node sent them; also when a node is killed part-way, and when a node joins mid-crawl; and with WARC
 * archives, where two nodes write files of their own into one directory and a payload is one response. With
 * politeness per address or per domain ({@code spindle.politeness.key}), names pinned to one fixture address with
 * {@code spindle.dns.static} are never asked closer than the delay, whichever name and node; and one round of
 * revisits runs on two nodes, each revisit a conditional GET recorded unchanged. The test
 * PostgreSQL is {@link TestPostgres}'s (the configured server, the one at 127.0.0.1:5432, or one this JVM starts);
 * the nodes are given its URL and credentials.
 */
class ClusterCrawlTest {
  private static final Duration DELAY = Duration.ofMillis(150);
  /** Long enough a crawl that the third node has joined, and shards have moved to it, well before it ends. */
  private static final Duration SLOW_DELAY = Duration.ofSeconds(1);
  private static final int HOSTS = 50;
  private static final int FETCHERS = 8;
  /** The delay of the crawls whose servers have several names (politeness per address or per domain). */
  private static final Duration SERVER_DELAY = Duration.ofMillis(300);
  /** The fixture's addresses in those crawls, each a server of three names. */
  private static final int SERVERS = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path directory;

  private final List<ChildService> nodes = new ArrayList<>();
  private final String job = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
  /** A cluster of its own: other clusters on the same database (other tests, benchmarks) never see its jobs. */
  private final String cluster = "test-" + UUID.randomUUID().toString().substring(0, 8);
  private int seedPort;
  private int managementPort;

  @BeforeEach
  void requirePostgres() throws IOException {
    TestPostgres.requireServer();
    seedPort = freePort("127.0.0.2");
    managementPort = freePort("127.0.0.2");
  }

  @AfterEach
  void stopNodes() throws SQLException {
    nodes.forEach(ChildService::close);
    PostgresFrontier.drop(TestPostgres.settings(), cluster + "." + job);
    var database = TestPostgres.settings();
    try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
         PreparedStatement forget = connection.prepareStatement("DELETE FROM spindle_jobs WHERE cluster = ?")) {
      forget.setString(1, cluster);
      forget.executeUpdate();
    }
  }

  @Test
  void threeNodesShareACrawlPolitelyAndRecordEveryUrlOnce() throws Exception {
    try (FixtureWeb web = fixture(20)) {
      for (int node = 1; node <= 3; node++) {
        startNode(node);
      }
      awaitMembers(nodes.get(0), 3);
      assertManagementListsMembers(3);
      String metrics = nodes.get(0).get("/metrics").body(); // what ops/prometheus/alerts.yml watches
      assertTrue(metrics.contains("spindle_cluster_members{status=\"up\"} 3.0"), metrics);
      assertTrue(metrics.contains("spindle_cluster_members_unreachable 0.0"), metrics);
      submit(nodes.get(1), web); // to any node: the others join it
      for (ChildService node : nodes) {
        node.await("/api/jobs/" + job, Duration.ofSeconds(60), "every node runs the job",
            view -> view.path("state").asText().equals("running"));
      }
      // an operator's pause on one node pauses the job on every node, and a resume on another resumes it
      assertEquals(200, nodes.get(2).post("/api/jobs/" + job + "/pause").status());
      awaitState(nodes, "paused");
      assertEquals(200, nodes.get(0).post("/api/jobs/" + job + "/resume").status());
      awaitState(nodes, "running");
      awaitFinished(nodes);

      Map<String, Integer> records = records();
      assertEquals(reachable(web), new TreeSet<>(records.keySet()));
      records.forEach((url, count) -> assertEquals(1, count, "records of " + url));
      for (int node = 1; node <= 3; node++) {
        assertFalse(lines(node).isEmpty(), "node " + node + " recorded nothing");
      }
      assertPolite(web);
    }
  }

  @Test
  void aNodeKilledPartWayLosesNoUrlAndTheOthersFinish() throws Exception {
    try (FixtureWeb web = fixture(30)) {
      for (int node = 1; node <= 3; node++) {
        startNode(node);
      }
      awaitMembers(nodes.get(0), 3);
      submit(nodes.get(0), web);
      long total = reachable(web).size();
      nodes.get(0).await("/api/jobs/" + job, Duration.ofSeconds(90), "a third of the crawl done",
          view -> view.path("counts").path("fetched").asLong() >= total / 3);
      nodes.get(2).kill(); // node 3: kill -9

      awaitFinished(nodes.subList(0, 2));
      Map<String, Integer> records = records();
      assertEquals(reachable(web), new TreeSet<>(records.keySet()), "a URL was lost");
      int duplicates = records.values().stream().mapToInt(count -> count - 1).sum();
      // only fetches in flight on the killed node (each fetcher holds at most one uncommitted record)
      assertTrue(duplicates <= FETCHERS, duplicates + " URLs recorded twice");
      assertPolite(web);
    }
  }

  @Test
  void aNodeJoiningMidCrawlReceivesHosts() throws Exception {
    try (FixtureWeb web = fixture(50)) { // at least 50 s: a host's 50 pages, one a second
      startNode(1);
      startNode(2);
      awaitMembers(nodes.get(0), 2);
      submit(nodes.get(0), web, SLOW_DELAY);
      long total = reachable(web).size();
      nodes.get(0).await("/api/jobs/" + job, Duration.ofSeconds(90), "the crawl under way",
          view -> view.path("counts").path("fetched").asLong() >= total / 50);
      // paused while the third node starts and joins: on a loaded machine its start could outlast the crawl
      assertEquals(200, nodes.get(0).post("/api/jobs/" + job + "/pause").status());
      awaitState(nodes, "paused");
      ChildService third = startNode(3);
      third.await("/api/jobs/" + job, Duration.ofSeconds(90), "the new node joined the paused job",
          view -> view.path("state").asText().equals("paused"));
      assertEquals(200, nodes.get(0).post("/api/jobs/" + job + "/resume").status());
      third.await("/api/cluster", Duration.ofSeconds(60), "the new node holds hosts of the crawl", cluster -> {
        for (JsonNode member : cluster.path("members")) {
          if (member.path("address").asText().contains("127.0.0.4") && member.path("hosts").asInt(0) > 0) {
            return true;
          }
        }
        return false;
      });

      awaitFinished(nodes);
      assertFalse(lines(3).isEmpty(), "the node that joined recorded nothing");
      Map<String, Integer> records = records();
      assertEquals(reachable(web), new TreeSet<>(records.keySet()));
      records.forEach((url, count) -> assertEquals(1, count, "records of " + url));
      assertPolite(web, SLOW_DELAY);
    }
  }

  @Test
  void twoNodesSharingAWarcDirectoryWriteFilesOfTheirOwnAndEachPayloadOnce() throws Exception {
    Path shared = Files.createDirectories(directory.resolve("shared")); // the output root of both nodes
    Path warc = shared.resolve("warc");
    int hosts = 8;
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(hosts).pagesPerHost(4).seed(61)
        .copies(true).robots(RobotsProfile.ALLOW_ALL).build())) {
      for (int node = 1; node <= 2; node++) {
        startNode(node, "--set", "spindle.admin.output-root=" + shared);
      }
      awaitMembers(nodes.get(0), 2);
      // one host first, paused at once; the others once both nodes run the job, so that sharding gives each node
      // some of them (a new shard goes to the node with fewest): the copies are then fetched on both nodes
      List<String> seeds = web.seedUrls();
      String allHosts = seeds.stream().map(seed -> "\"" + URI.create(seed).getAuthority() + "\"")
          .collect(Collectors.joining(", "));
      submit(nodes.get(0), web, DELAY, "spindle.job.seeds = [\"" + seeds.get(0) + "\"]\n"
          + "spindle.scope.allowed-hosts = [" + allHosts + "]\n"
          + "spindle.output.path = \"" + shared.resolve(job + ".jsonl") + "\"\n"
          + "spindle.warc.dir = \"" + warc + "\"\n");
      assertEquals(200, nodes.get(0).post("/api/jobs/" + job + "/pause").status());
      awaitState(nodes, "paused");
      String others = seeds.subList(1, seeds.size()).stream().map(seed -> "\"" + seed + "\"")
          .collect(Collectors.joining(", "));
      ChildService.Answer added = nodes.get(1).post("/api/jobs/" + job + "/seeds", "application/json",
          "{\"seeds\": [" + others + "]}");
      assertEquals(202, added.status(), added.body());
      assertEquals(200, nodes.get(1).post("/api/jobs/" + job + "/resume").status());
      awaitFinished(nodes);

      List<WarcFiles.Capture> captures = WarcFiles.captures(warc);
      Map<String, List<String>> types = new HashMap<>();
      Map<String, Set<String>> nodesOf = new HashMap<>();
      for (WarcFiles.Capture capture : captures) {
        assertTrue(capture.file().matches(job + "-node[12]-\\d{17}-\\d{5}\\.warc\\.gz"), capture.file());
        types.computeIfAbsent(capture.url(), url -> new ArrayList<>()).add(capture.type());
        nodesOf.computeIfAbsent(capture.payloadDigest(), digest -> new TreeSet<>())
            .add(capture.file().substring(job.length() + 1, job.length() + 6));
      }
      List<String> copies = new ArrayList<>();
      for (int host = 0; host < hosts; host++) {
        copies.addAll(types.getOrDefault(web.copyPageUrl(host), List.of()));
      }
      assertEquals(hosts, copies.size(), "one capture of each host's copy: " + copies);
      assertEquals(1, copies.stream().filter("response"::equals).count(), copies.toString());
      String article = captures.stream().filter(capture -> capture.url().equals(web.copyPageUrl(0))).findFirst()
          .orElseThrow().payloadDigest();
      WarcFiles.checkIndexes(warc);

      Set<String> recorded = new TreeSet<>();
      Set<String> fetchedCopies = new TreeSet<>(); // the nodes whose outputs hold a copy: sharding decides which
      Set<String> copyUrls = new HashSet<>();
      for (int host = 0; host < hosts; host++) {
        copyUrls.add(web.copyPageUrl(host));
      }
      for (int node = 1; node <= 2; node++) {
        for (String line : Files.readAllLines(shared.resolve(job + ".node" + node + ".jsonl"))) {
          JsonNode record = JSON.readTree(line);
          recorded.add(record.get("url").asText());
          if (copyUrls.contains(record.get("url").asText())) {
            fetchedCopies.add("node" + node);
          }
          if (record.get("status").isInt()) { // every answer is archived, by the node that got it
            assertTrue(types.containsKey(record.get("url").asText()), "no capture of " + record);
          }
        }
      }
      assertTrue(recorded.containsAll(reachable(web)), "a page was not crawled");
      // each node archived the copies it fetched, in its own files (with both nodes, as nearly always, one
      // response among them means the second node found the first node's capture in the shared index)
      assertEquals(fetchedCopies, nodesOf.get(article), "the nodes that archived the copies");
    }
  }

  @Test
  void namesOfOneAddressKeyedByIpAreNeverAskedCloserThanTheDelayWhicheverNode() throws Exception {
    crawlServersOfThreeNames("ip", server -> List.of("a" + server + ".test", "b" + server + ".test",
        "c" + server + ".test"));
  }

  @Test
  void hostsOfOneDomainKeyedByDomainAreNeverAskedCloserThanTheDelayWhicheverNode() throws Exception {
    // .com is a public suffix (.test is not: each name would be its own domain); pinned, so never looked up
    crawlServersOfThreeNames("domain", server -> List.of("a.site" + server + ".com", "b.site" + server + ".com",
        "www.site" + server + ".com"));
  }

  /**
   * Two nodes crawl four pages under each of three names of every fixture address ({@code namesOf} the address's
   * index), the names pinned to it, politeness keyed by {@code key}: every page is recorded once, and the fixture's
   * log of each address shows no request sooner than the delay after the previous one ended.
   */
  private void crawlServersOfThreeNames(String key, java.util.function.IntFunction<List<String>> namesOf)
      throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(SERVERS).pagesPerHost(4).seed(23)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
      startNode(1);
      startNode(2);
      awaitMembers(nodes.get(0), 2);
      StringBuilder settings = new StringBuilder("spindle.politeness.key = " + key + "\n"
          + "spindle.politeness.per-host-concurrency = 1\n"
          + "spindle.scope.max-depth = 0\n");
      List<String> seeds = new ArrayList<>();
      for (int server = 0; server < SERVERS; server++) {
        for (String name : namesOf.apply(server)) {
          settings.append("spindle.dns.static.\"").append(name).append("\" = \"").append(web.hostAddress(server))
              .append("\"\n");
          for (int page = 0; page < 4; page++) {
            seeds.add(web.pageUrl(server, page).replace(web.hostAddress(server), name));
          }
        }
      }
      settings.append("spindle.job.seeds = [").append(seeds.stream().map(seed -> "\"" + seed + "\"")
          .collect(Collectors.joining(", "))).append("]\n");
      submit(nodes.get(0), web, SERVER_DELAY, settings.toString());
      awaitFinished(nodes);

      Map<String, Integer> records = records();
      assertTrue(records.keySet().containsAll(seeds), "pages not recorded: " + seeds.stream()
          .filter(seed -> !records.containsKey(seed)).toList());
      records.forEach((url, count) -> assertEquals(1, count, "records of " + url));
      assertTrue(web.awaitIdle(Duration.ofSeconds(10)));
      for (int server = 0; server < SERVERS; server++) {
        List<RequestRecord> requests = new ArrayList<>(web.requests(server));
        // three names: /sitemap.xml and four pages each, all to this one address; and each name's robots.txt, again
        // when its queue moved to the node that joined the job after it started (a queue keeps no robots.txt)
        assertEquals(15, requests.stream().filter(request -> !request.path().equals("/robots.txt")).count(),
            web.hostAddress(server) + ": " + requests);
        requests.sort(java.util.Comparator.comparingLong(RequestRecord::startNanos));
        for (int i = 1; i < requests.size(); i++) {
          long gap = requests.get(i).startNanos() - requests.get(i - 1).endNanos();
          assertTrue(gap >= SERVER_DELAY.toNanos(), web.hostAddress(server) + ": request " + requests.get(i).target()
              + " started " + gap / 1_000_000.0 + " ms after the previous one ended (delay "
              + SERVER_DELAY.toMillis() + " ms, key " + key + ")");
        }
      }
    }
  }

  @Test
  void twoNodesRevisitEveryPageOnceConditionallyAndRecordTheRevisitsUnchanged() throws Exception {
    try (FixtureWeb web = FixtureWeb.start(FixtureSettings.builder().hosts(6).pagesPerHost(3).seed(16)
        .robots(RobotsProfile.ALLOW_ALL).latency(Duration.ofMillis(1), Duration.ofMillis(5)).build())) {
      web.serveValidators(true); // ETag and Last-Modified; a conditional GET of an unchanged page is a 304
      startNode(1);
      startNode(2);
      awaitMembers(nodes.get(0), 2);
      submit(nodes.get(0), web, DELAY, "spindle.recrawl.rounds = 1\nspindle.recrawl.min-interval = 2s\n");
      awaitFinished(nodes);
      assertTrue(web.awaitIdle(Duration.ofSeconds(10)));

      Set<String> pages = web.reachableUrls().stream().map(ReachableUrl::url)
          .collect(Collectors.toCollection(TreeSet::new));
      Map<String, List<RequestRecord>> requestsOf = new HashMap<>();
      for (RequestRecord request : web.requests()) {
        if (!request.path().equals("/robots.txt") && !request.path().equals("/sitemap.xml")) {
          requestsOf.computeIfAbsent(request.hostIndex() + " " + request.target(), page -> new ArrayList<>())
              .add(request);
        }
      }
      assertEquals(pages.size(), requestsOf.size(), requestsOf.keySet().toString());
      requestsOf.forEach((page, requests) -> {
        assertEquals(2, requests.size(), page + " fetched " + requests.size() + " times");
        requests.sort(java.util.Comparator.comparingLong(RequestRecord::startNanos));
        assertFalse(requests.get(0).conditional(), page + ": the first visit is a plain GET");
        assertTrue(requests.get(1).conditional(), page + ": the revisit sends the validators");
      });
      Map<String, List<JsonNode>> visits = new HashMap<>();
      for (int node = 1; node <= 2; node++) {
        for (String line : lines(node)) {
          JsonNode record = JSON.readTree(line);
          visits.computeIfAbsent(record.get("url").asText(), url -> new ArrayList<>()).add(record);
        }
      }
      for (String page : pages) {
        List<JsonNode> records = new ArrayList<>(visits.getOrDefault(page, List.of()));
        assertEquals(2, records.size(), page + ": " + records);
        records.sort(java.util.Comparator.comparingInt(record -> record.get("visit").asInt()));
        assertEquals(200, records.get(0).get("status").asInt(), records.get(0).toString());
        assertEquals(2, records.get(1).get("visit").asInt(), records.get(1).toString());
        assertEquals(304, records.get(1).get("status").asInt(), records.get(1).toString());
        assertFalse(records.get(1).get("changed").asBoolean(true), records.get(1).toString());
      }
    }
  }

  private FixtureWeb fixture(int pagesPerHost) {
    return FixtureWeb.start(FixtureSettings.builder().hosts(HOSTS).pagesPerHost(pagesPerHost).seed(7)
        .pageSize(2_000, 8_000).linksPerPage(12).robots(RobotsProfile.ALLOW_ALL)
        .latency(Duration.ofMillis(1), Duration.ofMillis(5)).build());
  }

  private ChildService startNode(int node, String... extra) throws IOException {
    String address = "127.0.0." + (node + 1);
    Path work = Files.createDirectories(directory.resolve("node" + node));
    var database = TestPostgres.settings();
    List<String> arguments = new ArrayList<>(List.of("--cluster",
        "--set", "spindle.admin.host=" + address,
        "--set", "spindle.cluster.host=" + address,
        "--set", "spindle.cluster.port=" + (node == 1 ? seedPort : freePort(address)),
        "--set", "spindle.cluster.seed-nodes=[\"127.0.0.2:" + seedPort + "\"]",
        "--set", "spindle.cluster.management-port=" + (node == 1 ? managementPort : 0),
        "--set", "spindle.cluster.node-name=node" + node,
        "--set", "spindle.cluster.name=" + cluster,
        "--set", "spindle.cluster.down-after=3s",
        "--set", "spindle.cluster.job-poll-interval=300ms",
        "--set", "spindle.store.postgres.url=" + database.url(),
        "--set", "spindle.store.postgres.user=" + database.user(),
        "--set", "spindle.store.postgres.password=" + database.password(),
        "--set", "spindle.fetch.concurrency=" + FETCHERS));
    arguments.addAll(List.of(extra));
    ChildService service = ChildService.start(work, work.resolve("spindle.log"), arguments);
    nodes.add(service);
    return service;
  }

  private void submit(ChildService node, FixtureWeb web) {
    submit(node, web, DELAY);
  }

  private void submit(ChildService node, FixtureWeb web, Duration delay) {
    submit(node, web, delay, "");
  }

  /** Submits the job, with {@code more} lines of settings at the end (they win over the ones before). */
  private void submit(ChildService node, FixtureWeb web, Duration delay, String more) {
    String seeds = web.seedUrls().stream().map(seed -> "\"" + seed + "\"").collect(Collectors.joining(", "));
    String body = "spindle.job { name = \"" + job + "\", seeds = [" + seeds + "] }\n"
        + "spindle.politeness.delay = " + delay.toMillis() + "ms\n"
        + "spindle.output.path = \"out/" + job + ".jsonl\"\n" + more;
    ChildService.Answer created = node.post("/api/jobs", "application/hocon", body);
    assertEquals(201, created.status(), created.body());
  }

  /** Pekko Management's cluster HTTP endpoint of the first node lists every member. */
  private void assertManagementListsMembers(int count) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> members = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.2:"
        + managementPort + "/cluster/members")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, members.statusCode(), members.body());
    assertEquals(count, JSON.readTree(members.body()).path("members").size(), members.body());
  }

  private static void awaitMembers(ChildService node, int count) {
    node.await("/api/cluster", Duration.ofSeconds(60), count + " members up", cluster -> {
      int up = 0;
      for (JsonNode member : cluster.path("members")) {
        up += member.path("status").asText().equals("up") ? 1 : 0;
      }
      return up == count;
    });
  }

  private void awaitState(List<ChildService> running, String state) {
    for (ChildService node : running) {
      node.await("/api/jobs/" + job, Duration.ofSeconds(30), "the job " + state + " on every node",
          view -> view.path("state").asText().equals(state) || view.path("state").asText().equals("finished"));
    }
  }

  private void awaitFinished(List<ChildService> running) {
    for (ChildService node : running) {
      node.await("/api/jobs/" + job, Duration.ofSeconds(180), "the job finished on every node",
          view -> view.path("state").asText().equals("finished"));
    }
  }

  /**
   * The linked pages and, sitemaps being on by default, each host's /sitemap.xml (the fixture serves none: a 404,
   * asked once per host however many nodes fetched its robots.txt, as the shared frontier drops the duplicates).
   */
  private Set<String> reachable(FixtureWeb web) {
    Set<String> urls = web.reachableUrls().stream().map(ReachableUrl::url)
        .collect(Collectors.toCollection(TreeSet::new));
    for (int host = 0; host < web.seedUrls().size(); host++) {
      urls.add(web.sitemapUrl(host));
    }
    return urls;
  }

  private List<String> lines(int node) throws IOException {
    Path output = directory.resolve("node" + node).resolve("out").resolve(job + ".node" + node + ".jsonl");
    return Files.exists(output) ? Files.readAllLines(output) : List.of();
  }

  /** Records per URL over every node's output. */
  private Map<String, Integer> records() throws IOException {
    Map<String, Integer> records = new HashMap<>();
    for (int node = 1; node <= 3; node++) {
      for (String line : lines(node)) {
        records.merge(JSON.readTree(line).get("url").asText(), 1, Integer::sum);
      }
    }
    return records;
  }

  /**
   * No request to a host started sooner than the delay after the previous one to it ended, on any node. The
   * fixture's times bound the nodes' (a request ends, for it, before its last write; it starts after its head was
   * read), so a gap shorter than the delay is a breach, however loaded the machine: no slack.
   */
  private static void assertPolite(FixtureWeb web) throws InterruptedException {
    assertPolite(web, DELAY);
  }

  private static void assertPolite(FixtureWeb web, Duration delay) throws InterruptedException {
    assertTrue(web.awaitIdle(Duration.ofSeconds(10)));
    for (int host = 0; host < HOSTS; host++) {
      List<RequestRecord> requests = web.requests(host);
      for (int i = 1; i < requests.size(); i++) {
        long gap = requests.get(i).startNanos() - requests.get(i - 1).endNanos();
        assertTrue(gap >= delay.toNanos(), "host " + host + ": request "
            + requests.get(i).target() + " started " + gap / 1_000_000.0 + " ms after the previous one ended (delay "
            + delay.toMillis() + " ms)");
      }
    }
  }

  private static int freePort(String address) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return socket.getLocalPort();
    }
  }

}
