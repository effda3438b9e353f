package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;

/**
 * A child JVM (a crawler node) writes to a shared job and is killed with SIGKILL mid-way; when the node starts again,
 * its leases come back, the counts match the data and the job can be finished.
 */
class PostgresFrontierKillTest {
  @TempDir
  Path temp;

  @BeforeAll
  static void requireServer() {
    TestPostgres.requireServer();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aNodeKilledMidWayGetsItsLeasesBackWhenItStartsAgainAndTheJobCanFinish()
      throws IOException, InterruptedException, SQLException {
    PostgresSettings settings = TestPostgres.settings();
    String job = TestPostgres.newJob("kill");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", classPath));
    command.addAll(TestPostgres.childJvmOptions()); // the server this JVM uses, whichever it is
    command.addAll(List.of(PostgresFrontierKillChild.class.getName(), job, "1000000"));
    Process child = new ProcessBuilder(command)
        .redirectError(temp.resolve("child.err").toFile())
        .start();
    try {
      long lastDiscovered = FrontierKillChild.killAfterCall(child, 151); // just after an add: the next is a lease
      assertTrue(lastDiscovered > 0, "the child wrote before it was killed; see " + temp.resolve("child.err"));

      long leasedAtTheKill;
      try (PostgresFrontier observer = PostgresFrontier.open(settings, job, "node-2", "node-2#1",
          FrontierLimits.NONE, UrlNormalizer::fingerprint)) {
        leasedAtTheKill = observer.counts().leased();
        assertTrue(observer.counts().discovered() >= lastDiscovered,
            observer.counts() + " lost writes acknowledged before the kill: " + lastDiscovered);
      }
      assertTrue(leasedAtTheKill > 0, "URLs were leased at the kill");
      try (PostgresFrontier frontier = PostgresFrontier.open(settings, job, "node-1", "node-1#again",
          FrontierLimits.NONE, UrlNormalizer::fingerprint)) {
        assertEquals(leasedAtTheKill, frontier.recoveredLeases());
        assertEquals(0, frontier.counts().leased());
        assertEquals(frontier.counts().discovered(), frontier.counts().queued() + frontier.counts().finished());
        PostgresFrontierTest.assertCountsMatchTheData(frontier);
        for (int host = 0; host < 8; host++) {
          HostKey key = HostKey.of("h" + host + ".example", -1);
          for (List<CrawlUrl> batch = frontier.lease(key, 500); !batch.isEmpty(); batch = frontier.lease(key, 500)) {
            List<Frontier.Completion> done = new ArrayList<>();
            batch.forEach(url -> done.add(new Frontier.Completion(url, false)));
            frontier.complete(done, 0);
          }
        }
        assertTrue(frontier.counts().idle(), frontier.counts().toString());
        PostgresFrontierTest.assertCountsMatchTheData(frontier);
      }
    } finally {
      PostgresFrontier.drop(settings, job);
    }
  }
}
