package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import spindle.store.PostgresSettings;
import spindle.store.TestPostgres;

/**
 * The cluster's jobs table in the tests' PostgreSQL: a job's generation counts its submissions, a state moves only
 * from the states named, and clusters of other names never see each other's jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterJobsTest {
  private final String clusters = "jobs-" + UUID.randomUUID().toString().substring(0, 8);
  private final java.util.concurrent.ExecutorService executor = Executors.newSingleThreadExecutor();

  @BeforeAll
  void requirePostgres() {
    TestPostgres.requireServer();
  }

  @AfterAll
  void dropRows() throws Exception {
    executor.shutdown();
    PostgresSettings database = TestPostgres.settings();
    try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
         PreparedStatement forget = connection.prepareStatement("DELETE FROM spindle_jobs WHERE cluster LIKE ?")) {
      forget.setString(1, clusters + "-%");
      forget.executeUpdate();
    }
  }

  private ClusterJobs table(String cluster, Executor on) {
    ClusterJobs jobs = new ClusterJobs(TestPostgres.settings(2), clusters + "-" + cluster, on);
    jobs.createTables();
    return jobs;
  }

  private static String state(ClusterJobs jobs, String name) {
    return jobs.rows().toCompletableFuture().join().stream().filter(row -> row.name().equals(name))
        .map(row -> row.state() + "/" + row.generation()).findFirst().orElse("none");
  }

  @Test
  void aJobAnnouncedAgainWhileActiveKeepsItsGenerationAndOneSubmittedAfterItEndedGetsANewOne() {
    ClusterJobs jobs = table("generations", executor);
    assertEquals(1L, jobs.announce("crawl", "body 1", "HOCON").toCompletableFuture().join());
    assertEquals(1L, jobs.announce("crawl", "body 1", "HOCON").toCompletableFuture().join()); // another node joins
    jobs.move("crawl", "paused", List.of("running")).toCompletableFuture().join();
    assertEquals(1L, jobs.announce("crawl", "body 1", "HOCON").toCompletableFuture().join());
    assertEquals("paused/1", state(jobs, "crawl"));
    jobs.move("crawl", "finished", List.of("running", "paused")).toCompletableFuture().join();
    assertEquals(2L, jobs.announce("crawl", "{\"spindle\": {}}", "JSON").toCompletableFuture().join());
    JobTable.Row row = jobs.rows().toCompletableFuture().join().get(0);
    assertEquals(new JobTable.Row("crawl", "{\"spindle\": {}}", "JSON", "running", 2), row);
  }

  @Test
  void aStateMovesOnlyFromTheStatesNamed() {
    ClusterJobs jobs = table("moves", executor);
    jobs.announce("crawl", "body", "HOCON").toCompletableFuture().join();
    jobs.move("crawl", "running", List.of("paused")).toCompletableFuture().join(); // a resume of a running job
    assertEquals("running/1", state(jobs, "crawl"));
    jobs.move("crawl", "stopped", List.of("running", "paused")).toCompletableFuture().join();
    jobs.move("crawl", "paused", List.of("running")).toCompletableFuture().join(); // a late pause changes nothing
    assertEquals("stopped/1", state(jobs, "crawl"));
  }

  @Test
  void clustersOfOtherNamesDoNotSeeEachOthersJobs() {
    ClusterJobs one = table("one", executor);
    ClusterJobs other = table("other", executor);
    one.announce("crawl", "body", "HOCON").toCompletableFuture().join();
    assertEquals(List.of(), other.rows().toCompletableFuture().join());
    assertEquals("running/1", state(one, "crawl"));
  }
}
