package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./spindle} launcher itself, on the jar and libraries this build has just packaged (so it runs in the
 * integration-test phase, after {@code package}): the JVM it picks ({@code JAVA_HOME}'s), and what a first crawl
 * records for later crawls to start from, an AppCDS archive before Java 25 and an ahead-of-time cache from 25 on.
 * A copy of the launcher runs in a checkout of its own whose {@code modules/cli/target} links to this build's jar and
 * libraries, so what it records stays out of the build; each crawl is the quickstart's (the demo site inside the
 * crawl's JVM, port 8971) in a directory of its own. Whether a crawl started from the archive is read from the JVM's
 * class-loading log ({@code JAVA_TOOL_OPTIONS}, which the launcher leaves alone): {@code spindle.cli.Main} came from
 * the "shared objects file" or from the jar.
 */
class LauncherIT {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final Path BUILT = ROOT.resolve("modules/cli/target");

  /** The launcher's own checkout: {@code spindle}, {@code application.conf}, {@code modules/cli/target}. */
  @TempDir
  Path checkout;
  /** The crawls' directories, consoles and class-loading logs. */
  @TempDir
  Path scratch;

  private Path target;
  private int crawls;

  @BeforeEach
  void checkOutTheLauncher() throws IOException {
    // -Dtest=LauncherIT selects it in the test phase too, before there is a jar to run
    assumeTrue(Boolean.getBoolean("packaged"), "runs in the integration-test phase, on what package made");
    Files.copy(ROOT.resolve("spindle"), checkout.resolve("spindle"));
    Files.setPosixFilePermissions(checkout.resolve("spindle"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.copy(ROOT.resolve("application.conf"), checkout.resolve("application.conf"));
    Files.writeString(checkout.resolve("pom.xml"), "");
    target = Files.createDirectories(checkout.resolve("modules/cli/target"));
    Path jar;
    try (Stream<Path> files = Files.list(BUILT)) {
      jar = files.filter(file -> file.getFileName().toString().matches("spindle-cli-.*\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no spindle-cli jar in " + BUILT + ": run mvn package first"));
    }
    Files.createSymbolicLink(target.resolve(jar.getFileName()), jar);
    Files.createSymbolicLink(target.resolve("lib"), BUILT.resolve("lib"));
    // written last: the launcher builds when a source or the pom is newer than this stamp
    Files.writeString(target.resolve(".spindle-built"), "");
  }

  @Test
  void beforeJava25TheFirstCrawlRecordsAClassArchiveThatTheNextStartsFrom() throws Exception {
    Path javaHome = Path.of(System.getProperty("java.home"));
    assumeTrue(Runtime.version().feature() < 25, "the tests run on Java 25 or later: the other test's case");

    Crawl first = crawl(javaHome);
    assertEquals(List.of(), recorded(".aot", ".aotconf"), first.console);
    String archive = "spindle-" + version(javaHome) + ".jsa";
    assertEquals(List.of(archive), recorded(".jsa"), first.console);
    assertFalse(first.startedFromArchive(), first.classes);

    Crawl second = crawl(javaHome);
    assertTrue(second.startedFromArchive(), second.classes);
    assertEquals(List.of(archive), recorded(".jsa"), second.console);
  }

  @Test
  void fromJava25TheFirstCrawlRecordsItsTrainingTheNextMakesTheCacheAndStartsFromIt() throws Exception {
    Optional<Path> found = jdk25();
    SkippedChecks.skipUnlessInstalled("the launcher's ahead-of-time cache on Java 25 (LauncherIT)",
        found.isPresent() ? List.of() : List.of("JDK 25 or later in /usr/lib/jvm"),
        "the machine's Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64)");
    Path javaHome = found.orElseThrow();
    String name = "spindle-" + version(javaHome);
    Files.writeString(target.resolve("spindle-17.0.1.jsa"), "another JVM's archive");

    Crawl first = crawl(javaHome);
    assertEquals(List.of(name + ".aotconf"), recorded(".aot", ".aotconf", ".jsa"), first.console);
    assertFalse(first.startedFromArchive(), first.classes);
    assertFalse(first.console.contains("ahead-of-time cache"), first.console);

    Crawl second = crawl(javaHome);
    assertTrue(second.console.contains(
        "spindle: making the JVM's ahead-of-time cache from the last crawl's training (once after a build)\n"),
        second.console);
    assertEquals(List.of(name + ".aot"), recorded(".aot", ".aotconf", ".jsa"), second.console);
    assertTrue(second.startedFromArchive(), second.classes);

    Crawl third = crawl(javaHome);
    assertFalse(third.console.contains("ahead-of-time cache"), third.console);
    assertTrue(third.startedFromArchive(), third.classes);
    assertEquals(List.of(name + ".aot"), recorded(".aot", ".aotconf", ".jsa"), third.console);
  }

  /** What one {@code ./spindle crawl} printed, and the JVM's class-loading log. */
  private record Crawl(String console, String classes) {
    boolean startedFromArchive() {
      return classes.lines().filter(line -> line.contains(" spindle.cli.Main source: ")).findFirst()
          .orElseThrow(() -> new AssertionError("spindle.cli.Main not in the class-loading log"))
          .contains("source: shared objects file");
    }
  }

  /**
   * Runs the quickstart with the launcher under {@code javaHome}, checks that it crawled, that nothing went to
   * standard output (the JVM's messages about archives would) and that the JVM said nothing on standard error.
   */
  private Crawl crawl(Path javaHome) throws Exception {
    crawls++;
    Path directory = Files.createDirectories(scratch.resolve("crawl" + crawls));
    Path out = scratch.resolve("stdout" + crawls + ".txt");
    Path err = scratch.resolve("stderr" + crawls + ".txt");
    Path classes = scratch.resolve("classes" + crawls + ".txt");
    ProcessBuilder builder = new ProcessBuilder(checkout.resolve("spindle").toString(), "crawl",
        ROOT.resolve("examples/quickstart.conf").toString())
        .directory(directory.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> environment = builder.environment();
    environment.remove("SPINDLE_CDS");
    environment.remove("SPINDLE_JAVA_OPTS");
    environment.put("JAVA_HOME", javaHome.toString());
    environment.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes);
    Process process = builder.start();
    boolean exited = process.waitFor(150, TimeUnit.SECONDS);
    process.destroyForcibly();
    String console = Files.readString(err, StandardCharsets.UTF_8);
    assertTrue(exited, "crawl " + crawls + " did not exit:\n" + console);
    assertEquals(0, process.exitValue(), console);
    assertTrue(console.contains(": 160 pages recorded (156 ok, 4 errors: ROBOTS_DISALLOWED 4)"), console);
    assertEquals("", Files.readString(out, StandardCharsets.UTF_8), "standard output of crawl " + crawls);
    List<String> jvmSaid = new ArrayList<>();
    for (String line : console.split("\n")) {
      if (!line.startsWith("spindle: ") && !line.startsWith("Picked up JAVA_TOOL_OPTIONS: ")) {
        jvmSaid.add(line);
      }
    }
    assertEquals(List.of(), jvmSaid, console);
    return new Crawl(console, Files.readString(classes, StandardCharsets.UTF_8));
  }

  /** The names in the launcher's target that end with one of {@code suffixes}, sorted. */
  private List<String> recorded(String... suffixes) throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> Stream.of(suffixes).anyMatch(name::endsWith)).sorted().toList();
    }
  }

  /** JAVA_VERSION from the JDK's release file, as the launcher reads it. */
  private static String version(Path javaHome) throws IOException {
    Properties release = new Properties();
    try (var reader = Files.newBufferedReader(javaHome.resolve("release"))) {
      release.load(reader);
    }
    return release.getProperty("JAVA_VERSION").replace("\"", "");
  }

  /** A JDK of version 25 or later in /usr/lib/jvm, the newest. */
  private static Optional<Path> jdk25() throws IOException {
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    Path best = null;
    int bestFeature = 0;
    try (Stream<Path> homes = Files.list(jvms)) {
      for (Path home : homes.toList()) {
        if (!Files.isExecutable(home.resolve("bin/java")) || !Files.isRegularFile(home.resolve("release"))) {
          continue;
        }
        String version = version(home);
        int feature = Integer.parseInt(version.replaceAll("[.+-].*", ""));
        if (feature >= 25 && feature > bestFeature) {
          best = home;
          bestFeature = feature;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
