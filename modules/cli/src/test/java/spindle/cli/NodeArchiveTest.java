package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.engine.CrawlSettings;
import spindle.store.PostgresFrontier;
import spindle.store.PostgresSettings;
import spindle.store.TestPostgres;
import spindle.store.warc.WarcPosition;

/**
 * A cluster node's share of a job's WARC archive ({@link JobStore#openShared}): each node opens files of its own
 * prefix in the job's directory, at its own committed position, and never touches files it did not write, neither
 * another node's nor another crawl's.
 */
class NodeArchiveTest {
  @TempDir
  Path directory;

  private final String job = "archive-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<JobStore> opened = new ArrayList<>();

  @BeforeAll
  static void requirePostgres() {
    TestPostgres.requireServer();
  }

  @AfterEach
  void closeAndDrop() throws IOException {
    for (JobStore store : opened) {
      store.close();
    }
    PostgresFrontier.drop(TestPostgres.settings(), job);
  }

  private Config config(Path warc) {
    PostgresSettings database = TestPostgres.settings();
    return new JobConfigLoader().load(Optional.empty(), Optional.empty(), List.of(
        "spindle.job.name=" + job,
        "spindle.job.seeds=[\"http://127.0.0.1:9/\"]",
        "spindle.store.backend=postgres",
        "spindle.store.postgres.url=\"" + database.url() + "\"",
        "spindle.store.postgres.user=" + database.user(),
        "spindle.store.postgres.password=" + database.password(),
        "spindle.output.path=\"" + directory.resolve("out/" + job + ".jsonl") + "\"",
        "spindle.warc.dir=\"" + warc + "\""), ConfigFactory.empty());
  }

  private JobStore open(Path warc, String node) throws IOException {
    Config config = config(warc);
    CrawlSettings settings = CrawlCommand.settings(config);
    List<CrawlUrl> seeds = List.of(CrawlUrl.seed("http://127.0.0.1:9/", HostKey.of("127.0.0.1", 9)));
    JobStore store = JobStore.openShared(settings, config, seeds, new PrintWriter(new StringWriter()),
        "stop the other crawl first", job, node, node + "#" + UUID.randomUUID());
    opened.add(store);
    return store;
  }

  /** Commits {@code node}'s archive at a file of its own, as its archive stage would. */
  private String commit(JobStore store, String node) throws IOException {
    String file = job + "-" + node + "-20261206101530000-00001.warc.gz";
    Path warc = store.archive().orElseThrow().directory();
    Files.createDirectories(warc);
    Files.write(warc.resolve(file), new byte[0]);
    store.frontier().captures().orElseThrow().commitArchive(new WarcPosition(file, 0, 0), Map.of());
    return file;
  }

  @Test
  void twoNodesShareADirectoryEachWithFilesOfItsOwnPrefix() throws IOException {
    Path warc = directory.resolve("out/warc");
    JobStore one = open(warc, "node1");
    String first = commit(one, "node1");
    JobStore two = open(warc, "node2"); // node 1's file is not node 2's: it is neither refused nor deleted
    assertTrue(two.archive().isPresent());
    assertTrue(Files.exists(warc.resolve(first)), "node 2 deleted node 1's file");
    assertEquals(WarcPosition.START, two.frontier().captures().orElseThrow().warcPosition());
  }

  @Test
  void aNodesDirectoryHoldingFilesOfItsPrefixItDidNotWriteIsRefusedInOneLine() throws IOException {
    Path warc = Files.createDirectories(directory.resolve("out/warc"));
    Path foreign = Files.writeString(warc.resolve(job + "-node1-20260101000000000-00001.warc.gz"), "not ours");
    UsageException refused = assertThrows(UsageException.class, () -> open(warc, "node1"));
    assertTrue(refused.getMessage().contains("spindle.warc.dir"), refused.getMessage());
    assertTrue(refused.getMessage().contains("holds WARC files of another crawl named " + job + "-node1-..."),
        refused.getMessage());
    assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
    assertFalse(refused.getMessage().contains("--fresh"), "a service has no --fresh: " + refused.getMessage());
    assertEquals("not ours", Files.readString(foreign));
    assertFalse(Files.exists(directory.resolve("out/" + job + ".node1.jsonl")), "an output was created");
  }

  @Test
  void aNodeStartedAgainResumesItsOwnFilesAndOnlyInTheirDirectory() throws IOException {
    Path warc = directory.resolve("out/warc");
    JobStore first = open(warc, "node1");
    String file = commit(first, "node1");
    first.close();
    opened.remove(first);

    JobStore again = open(warc, "node1");
    assertEquals(file, again.frontier().captures().orElseThrow().warcPosition().file());
    assertTrue(Files.exists(warc.resolve(file)));
    again.close();
    opened.remove(again);

    Path elsewhere = directory.resolve("out/elsewhere");
    UsageException moved = assertThrows(UsageException.class, () -> open(elsewhere, "node1"));
    assertTrue(moved.getMessage().contains("spindle.warc.dir"), moved.getMessage());
    assertTrue(moved.getMessage().contains("this job's WARC files are in " + warc.toAbsolutePath().normalize()),
        moved.getMessage());
  }
}
