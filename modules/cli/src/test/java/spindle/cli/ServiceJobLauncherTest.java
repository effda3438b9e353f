package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spindle.admin.AdminSettings;
import spindle.admin.BodySyntax;
import spindle.admin.JobBody;
import spindle.admin.JobDefinition;
import spindle.admin.JobRejected;
import spindle.admin.PreparedJob;

/**
 * Jobs submitted to the service are read like job files: the same checks and one-line messages (naming
 * {@code job:LINE}), names generated without touching existing stores, nothing created until a job is opened, and the
 * same store semantics (the same job resumes, another crawl's store is refused).
 */
class ServiceJobLauncherTest {
  @TempDir
  Path directory;

  private ServiceJobLauncher launcher;

  @BeforeEach
  void createLauncher() {
    Config operator = ConfigFactory.parseString("spindle.store.dir = \"" + directory.resolve("data") + "/\"${spindle.job.name}\n"
        + "spindle.output.path = \"" + directory.resolve("out") + "/\"${spindle.job.name}\".jsonl\"\n"
        + "spindle.admin.output-root = \"" + directory.resolve("out") + "\"\n"
        + "spindle.admin.store-root = \"" + directory.resolve("data") + "\"\n"
        + "spindle.admin.jobs-dir = \"" + directory.resolve("data/service") + "\"\n");
    JobConfigLoader loader = new JobConfigLoader();
    launcher = new ServiceJobLauncher(loader, operator, AdminSettings.fromConfig(loader.serviceConfig(operator)));
  }

  private JobDefinition read(String text) throws JobRejected {
    return launcher.read(new JobBody(text, BodySyntax.HOCON, Optional.empty()), name -> false);
  }

  private String rejection(String text, BodySyntax syntax) {
    return assertThrows(JobRejected.class, () -> launcher.read(new JobBody(text, syntax, Optional.empty()),
        name -> false)).getMessage();
  }

  @Test
  void aMisspeltKeyIsRejectedWithTheJobLineAndTheNearestRealKey() {
    assertEquals("job:3: spindle.fetch.concurency: unknown key (did you mean spindle.fetch.concurrency?)",
        rejection("spindle {\n  job.seeds = [\"http://127.0.0.1:9/\"]\n  fetch.concurency = 4\n}\n", BodySyntax.HOCON));
  }

  @Test
  void anInvalidSeedIsRejectedNamingTheLineKeyAndUrl() {
    String message = rejection("spindle.job.name = x\nspindle.job.seeds = [\"ftp://example.org/\"]", BodySyntax.HOCON);
    assertTrue(message.startsWith("job:2: spindle.job.seeds[0]: "), message);
    assertTrue(message.contains("ftp://example.org/"), message);
  }

  @Test
  void aBadValueIsRejectedNamingTheLineAndKey() {
    String message = rejection("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.fetch.concurrency = 0",
        BodySyntax.HOCON);
    assertTrue(message.startsWith("job:2: spindle.fetch.concurrency"), message);
  }

  @Test
  void settingsOfTheServiceAreRefusedInAJob() {
    assertEquals("job:2: pekko.loglevel: a setting of the service, not of a job (set it in application.conf or "
        + "with serve --set)", rejection("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\npekko.loglevel = DEBUG",
        BodySyntax.HOCON));
    assertTrue(rejection("spindle.admin.port = 1", BodySyntax.HOCON).contains("spindle.admin.port: a setting of "
        + "the service"));
    // a submitter may not open what the operator closed: private addresses are the operator's to allow
    assertTrue(rejection("spindle.fetch.allow-private-addresses = on", BodySyntax.HOCON)
        .startsWith("job:1: spindle.fetch.allow-private-addresses: a setting of the service"));
  }

  @Test
  void aJsonJobIsReadWithNestedKeysAndBrokenJsonIsOneLine() throws Exception {
    JobDefinition job = launcher.read(new JobBody("{\"spindle\": {\"job\": {\"name\": \"j\", \"seeds\": "
        + "[\"http://127.0.0.1:9/\"]}}}", BodySyntax.JSON, Optional.empty()), name -> false);
    assertEquals("j", job.name());
    String message = rejection("{\"spindle\": ", BodySyntax.JSON);
    assertTrue(message.startsWith("job:1: "), message);
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void anUnnamedJobGetsTheFirstFreeNameWhoseStoreDirectoryDoesNotExist() throws Exception {
    Files.createDirectories(directory.resolve("data/job-1"));
    Files.writeString(directory.resolve("data/job-1/CURRENT"), "an earlier crawl");
    JobDefinition job = launcher.read(new JobBody("spindle.job.seeds = [\"http://127.0.0.1:9/\"]", BodySyntax.HOCON,
        Optional.empty()), Set.of("job-2")::contains);
    assertEquals("job-3", job.name());
    assertEquals(Optional.of(directory.resolve("data/job-3")), job.storeDirectory());
    JobDefinition assigned = launcher.read(new JobBody("spindle.job.seeds = [\"http://127.0.0.1:9/\"]",
        BodySyntax.HOCON, Optional.of("kept")), name -> false);
    assertEquals("kept", assigned.name());
  }

  @Test
  void readingCreatesNothingAndOpeningTheSameJobAgainResumesIt() throws Exception {
    JobDefinition job = read("spindle.job.name = same\nspindle.job.seeds = [\"http://127.0.0.1:9/\"]");
    assertFalse(Files.exists(directory.resolve("data/same")), "read() created the store");
    assertFalse(Files.exists(directory.resolve("out/same.jsonl")), "read() created the output");
    try (PreparedJob prepared = job.open()) {
      assertTrue(prepared.resumeNote().isEmpty());
      prepared.frontier().add(prepared.seeds());
    }
    try (PreparedJob again = read("spindle.job.name = same\nspindle.job.seeds = [\"http://127.0.0.1:9/\"]").open()) {
      assertEquals(1, again.frontier().counts().queued(), "the second run does not see the first one's URL");
      assertTrue(again.resumeNote().isPresent());
    }
  }

  @Test
  void aStoreOfAnotherCrawlIsRefusedWithAServiceRemedy() throws Exception {
    try (PreparedJob first = read("spindle.job.name = other\nspindle.job.seeds = [\"http://127.0.0.1:9/\"]").open()) {
      first.frontier().add(first.seeds());
    }
    JobDefinition changed = read("spindle.job.name = other\nspindle.job.seeds = [\"http://127.0.0.1:10/\"]");
    String message = assertThrows(JobRejected.class, changed::open).getMessage();
    assertTrue(message.contains("holds a crawl with other seeds"), message);
    assertTrue(message.contains("delete that directory to start over"), message);
    assertFalse(message.contains("--fresh"), message);
  }

  @Test
  void anOutputOrStoreOutsideTheServicesRootsIsRefusedNamingTheKeyAndNothingIsCreated() throws Exception {
    String seeds = "spindle.job.seeds = [\"http://127.0.0.1:9/\"]\n";
    Path outside = directory.resolve("elsewhere");
    String absolute = rejection(seeds + "spindle.output.path = \"" + outside.resolve("x.jsonl") + "\"",
        BodySyntax.HOCON);
    assertTrue(absolute.startsWith("job:2: spindle.output.path: "), absolute);
    assertTrue(absolute.contains("spindle.admin.output-root"), absolute);
    String dotted = rejection(seeds + "spindle.store.dir = \"" + directory.resolve("data") + "/../elsewhere\"",
        BodySyntax.HOCON);
    assertTrue(dotted.startsWith("job:2: spindle.store.dir: "), dotted);
    assertTrue(dotted.contains("spindle.admin.store-root"), dotted);
    String ownFiles = rejection(seeds + "spindle.job.name = service", BodySyntax.HOCON);
    assertTrue(ownFiles.contains("spindle.admin.jobs-dir"), ownFiles);
    assertFalse(Files.exists(outside), "a refused job created something");
  }

  @Test
  void aWarcDirectoryOutsideTheOutputRootIsRefusedAndOneInsideIsOpenedWithTheJob() throws Exception {
    String seeds = "spindle.job.seeds = [\"http://127.0.0.1:9/\"]\n";
    Path outside = directory.resolve("elsewhere/warc");
    String refused = rejection(seeds + "spindle.warc.dir = \"" + outside + "\"", BodySyntax.HOCON);
    assertTrue(refused.startsWith("job:2: spindle.warc.dir: "), refused);
    assertTrue(refused.contains("spindle.admin.output-root"), refused);
    String dotted = rejection(seeds + "spindle.warc.dir = \"" + directory.resolve("out") + "/../elsewhere\"",
        BodySyntax.HOCON);
    assertTrue(dotted.startsWith("job:2: spindle.warc.dir: "), dotted);
    assertFalse(Files.exists(directory.resolve("elsewhere")), "a refused job created something");

    JobDefinition inside = read("spindle.job.name = kept\n" + seeds + "spindle.warc.dir = \""
        + directory.resolve("out/warc") + "\"");
    assertFalse(Files.exists(directory.resolve("out/warc")), "read() created the WARC directory");
    try (PreparedJob prepared = inside.open()) {
      assertTrue(prepared.archive().isPresent(), "the job archives");
      assertEquals(directory.resolve("out/warc"), prepared.archive().get().directory());
    }
  }

  @Test
  void aSymbolicLinkOutOfTheOutputRootIsRefused() throws Exception {
    Path outside = Files.createDirectories(directory.resolve("secret"));
    Files.createDirectories(directory.resolve("out"));
    Files.createSymbolicLink(directory.resolve("out/link"), outside);
    String message = rejection("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.output.path = \""
        + directory.resolve("out/link/x.jsonl") + "\"", BodySyntax.HOCON);
    assertTrue(message.contains("a symbolic link leads out of it"), message);
  }

  @Test
  void aJobCannotReadTheServicesFilesOrEnvironment() throws Exception {
    Path secret = Files.writeString(directory.resolve("secret.txt"), "spindle.job.name = leaked-secret\n");
    String seedFile = rejection("spindle.job.seed-file = \"" + secret + "\"", BodySyntax.HOCON);
    assertTrue(seedFile.startsWith("job:1: spindle.job.seed-file: the service does not read seed files"), seedFile);
    for (String include : List.of("include \"" + secret + "\"", "include file(\"" + secret + "\")",
        "include required(file(\"" + secret + "\"))", "include url(\"file://" + secret + "\")")) {
      String message = rejection(include + "\nspindle.job.seeds = [\"http://127.0.0.1:9/\"]", BodySyntax.HOCON);
      assertTrue(message.contains("cannot include anything"), include + " -> " + message);
      assertFalse(message.contains("leaked-secret"), message);
    }
    assertTrue(System.getenv("PATH") != null, "the test needs an environment variable to try");
    JobDefinition job = read("spindle.job.seeds = [\"http://127.0.0.1:9/\"]\nspindle.output.path = \""
        + directory.resolve("out/x") + "\"${?PATH}\".jsonl\"");
    assertEquals(directory.resolve("out/x.jsonl"), job.output(), "a job read the service's environment");
  }
}
