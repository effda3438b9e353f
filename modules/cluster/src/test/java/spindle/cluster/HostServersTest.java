package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.store.FrontierLimits;
import spindle.store.PostgresFrontier;
import spindle.store.TestPostgres;

/**
 * Nodes whose DNS answers differ (round robin) still agree on every host's server, because the first answer recorded
 * in the shared frontier is the one they all use: one host is never on two shards. Two frontiers of one job on the
 * test PostgreSQL stand for two nodes.
 */
class HostServersTest {
  private final String job = "servers-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<PostgresFrontier> frontiers = new ArrayList<>();
  private ExecutorService store;

  @BeforeEach
  void requirePostgres() {
    TestPostgres.requireServer();
    store = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void dropTheJob() throws InterruptedException {
    frontiers.forEach(PostgresFrontier::close);
    PostgresFrontier.drop(TestPostgres.settings(), job);
    store.shutdown();
    store.awaitTermination(10, TimeUnit.SECONDS);
  }

  private HostServers node(String name, Function<HostKey, CompletionStage<String>> lookUp) {
    PostgresFrontier frontier = PostgresFrontier.open(TestPostgres.settings(), job, name,
        name + "#" + UUID.randomUUID(), FrontierLimits.NONE, UrlNormalizer::fingerprint);
    frontiers.add(frontier);
    return new HostServers(frontier, store, lookUp);
  }

  /** A lookup that always answers {@code address}, counting its lookups by host. */
  private static Function<HostKey, CompletionStage<String>> answering(String address,
      Map<HostKey, AtomicInteger> lookups) {
    return host -> {
      lookups.computeIfAbsent(host, key -> new AtomicInteger()).incrementAndGet();
      return CompletableFuture.completedFuture(address);
    };
  }

  @Test
  void twoNodesAskingAtOnceWithDifferentAnswersGetTheSameServerForEveryHost() throws Exception {
    HostServers one = node("node-1", answering("192.0.2.1", new ConcurrentHashMap<>()));
    HostServers two = node("node-2", answering("192.0.2.2", new ConcurrentHashMap<>()));
    List<CompletableFuture<String>> first = new ArrayList<>();
    List<CompletableFuture<String>> second = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HostKey host = HostKey.parse("www" + i + ".example.com");
      first.add(one.serverOf(host).toCompletableFuture());
      second.add(two.serverOf(host).toCompletableFuture());
    }
    for (int i = 0; i < first.size(); i++) {
      String server = first.get(i).get(20, TimeUnit.SECONDS);
      assertEquals(server, second.get(i).get(20, TimeUnit.SECONDS), "host " + i);
    }
  }

  @Test
  void aNodeAskingAfterAnotherRecordedTheServerUsesItWithoutALookup() throws Exception {
    HostServers one = node("node-1", answering("192.0.2.1", new ConcurrentHashMap<>()));
    Map<HostKey, AtomicInteger> lookups = new ConcurrentHashMap<>();
    HostServers two = node("node-2", answering("192.0.2.2", lookups));
    HostKey host = HostKey.parse("shop.example.com:8080");
    assertEquals("192.0.2.1", one.serverOf(host).toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals("192.0.2.1", two.serverOf(host).toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals(Map.of(), lookups);
    // its own first host is its own answer, which the other node then gets
    HostKey other = HostKey.parse("other.example.com");
    assertEquals("192.0.2.2", two.serverOf(other).toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals("192.0.2.2", one.serverOf(other).toCompletableFuture().get(20, TimeUnit.SECONDS));
  }
}
