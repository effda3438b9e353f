package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import spindle.fixture.FixtureWeb;

/** {@code spindle demo-site} introduces itself as the demo site, not as the fixture web it is built on. */
class DemoSiteCommandTest {
  @TempDir
  Path directory;

  @Test
  void theDemoSiteGreetsAsTheDemoSite() throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-Dspindle.log.file=" + directory.resolve("spindle.log"), "-cp", classPath, Main.class.getName(),
        "demo-site", "--hosts", "2", "--port", "0")).redirectErrorStream(true).start();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String first = lines.readLine();
      assertNotNull(first, "the demo site printed nothing");
      assertTrue(first.startsWith("Spindle demo site: 2 hosts on port "), first);
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  @Test
  void aCrawlWhoseDemoSitePortIsTakenSaysSoInOneLineNamingTheKey() throws Exception {
    try (FixtureWeb running = FixtureWeb.start(DemoSite.settings(2, 5, 0, 42).build())) {
      int port = running.port();
      StringWriter err = new StringWriter();
      CommandLine commandLine = Main.commandLine();
      commandLine.setErr(new PrintWriter(err));
      int code = commandLine.execute("crawl", "--seed", running.seedUrls().get(0),
          "--out", directory.resolve("out.jsonl").toString(), "--set", "spindle.store.dir=" + directory.resolve("data"),
          "--set", "spindle.demo-site.enabled=on", "--set", "spindle.demo-site.port=" + port);
      assertEquals(2, code, err.toString());
      String[] lines = err.toString().strip().split("\n");
      assertEquals(1, lines.length, err.toString());
      assertTrue(lines[0].startsWith("spindle: error: --set spindle.demo-site.port: cannot start the demo site on port "
          + port + ": the port is in use"), lines[0]);
    }
  }
}
