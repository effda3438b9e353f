package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.url.UrlNormalizer;

/** A child JVM writes to a store and is killed with SIGKILL mid-way; the store must reopen consistent. */
class RocksDbFrontierKillTest {
  @TempDir
  Path temp;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aStoreKilledMidWayReopensWithEveryWrittenBatchAndCountsThatMatchTheData()
      throws IOException, InterruptedException {
    Path directory = temp.resolve("store");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", classPath, FrontierKillChild.class.getName(),
        directory.toString(), "1000000")
        .redirectError(temp.resolve("child.err").toFile())
        .start();
    long lastDiscovered = FrontierKillChild.killAfterCall(child, 601); // just after an add: the next is a lease
    assertTrue(lastDiscovered > 0, "the child wrote before it was killed; see " + temp.resolve("child.err"));

    FrontierStatus beforeReopen = RocksDbFrontier.readStatus(directory);
    try (RocksDbFrontier frontier = RocksDbFrontier.open(directory, FrontierLimits.NONE, UrlNormalizer::fingerprint,
        StoreSettings.DEFAULTS)) {
      assertTrue(frontier.counts().discovered() >= lastDiscovered,
          frontier.counts() + " lost writes acknowledged before the kill: " + lastDiscovered);
      assertEquals(beforeReopen.counts().leased(), frontier.recoveredLeases());
      assertTrue(frontier.recoveredLeases() > 0, "URLs were leased at the kill");
      assertEquals(0, frontier.counts().leased());
      RocksDbFrontierTest.assertConsistent(frontier);
    }
  }
}
