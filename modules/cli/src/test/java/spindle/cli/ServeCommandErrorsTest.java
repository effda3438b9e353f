package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code spindle serve} refuses what it cannot serve safely or at all: exit code 2 and one line naming the key. */
class ServeCommandErrorsTest {
  @TempDir
  Path directory;

  private String onlyLineOfFailedRun(String... args) {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err));
    commandLine.setOut(new PrintWriter(new StringWriter()));
    String[] all = new String[args.length + 2];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--set=spindle.admin.jobs-dir=" + directory.resolve("service");
    int code = commandLine.execute(all);
    assertEquals(2, code, err.toString());
    String[] lines = err.toString().strip().split("\n");
    assertEquals(1, lines.length, "expected one line, got:\n" + err);
    return lines[0];
  }

  @Test
  void aNonLoopbackAddressWithoutATokenIsRefused() {
    String line = onlyLineOfFailedRun("--set", "spindle.admin.host=0.0.0.0");
    assertEquals("spindle: error: --set spindle.admin.host: \"0.0.0.0\" is not a loopback "
        + "address: set spindle.admin.token to serve the admin endpoint beyond this machine", line);
  }

  @Test
  void aPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String line = onlyLineOfFailedRun("--set", "spindle.admin.port=" + taken.getLocalPort());
      assertTrue(line.startsWith("spindle: error: ") && line.contains("spindle.admin.port: cannot listen on 127.0.0.1:"
          + taken.getLocalPort()), line);
    }
  }

  @Test
  void aBadValueIsNamed() {
    String line = onlyLineOfFailedRun("--set", "spindle.admin.port=eighty");
    assertTrue(line.contains("spindle.admin.port") && line.contains("--set"), line);
  }

  @Test
  void aMisspeltServiceKeyIsNamedWithTheNearestRealKey() {
    String line = onlyLineOfFailedRun("--set", "spindle.admin.prot=9000");
    assertEquals("spindle: error: --set spindle.admin.prot: unknown key (did you mean spindle.admin.port?)", line);
  }

  @Test
  void aClusterNodeWhosePortIsTakenSaysWhichKey() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String line = onlyLineOfFailedRun("--cluster", "--set", "spindle.cluster.port=" + taken.getLocalPort(),
          "--set", "spindle.cluster.management-port=0", "--set", "spindle.admin.port=0");
      assertEquals("spindle: error: --set spindle.cluster.port: cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + " (in use, or not an address of this machine)", line);
    }
  }

  @Test
  void aClusterNodeThatCannotReachItsDatabaseSaysWhichKey() throws Exception {
    int closed;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = free.getLocalPort(); // nothing listens there once the socket is closed
    }
    String line = onlyLineOfFailedRun("--cluster", "--set", "spindle.cluster.port=0",
        "--set", "spindle.cluster.management-port=0", "--set", "spindle.admin.port=0",
        "--set", "spindle.store.postgres.url=jdbc:postgresql://127.0.0.1:" + closed + "/spindle");
    assertTrue(line.startsWith("spindle: error: --set spindle.store.postgres.url: ") && line.contains("127.0.0.1:" + closed),
        line);
  }

  @Test
  void aBadClusterSettingIsNamed() {
    String line = onlyLineOfFailedRun("--cluster", "--set", "spindle.cluster.shard-by=url");
    assertTrue(line.contains("spindle.cluster.shard-by") && line.contains("\"host\" or \"domain\""), line);
  }

  @Test
  void aPortInUseIsOneLineWithTheLaunchersLoggingToo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      Path logback = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .resolve("logback.xml"); // the launcher's configuration, not the tests' logback-test.xml
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx128m"));
      command.addAll(LauncherJvm.quietOptions());
      command.addAll(List.of("-Dlogback.configurationFile=" + logback, "-Dspindle.log.file=" + directory.resolve("log"),
          "-cp", classPath, Main.class.getName(), "serve", "--set", "spindle.admin.port=" + taken.getLocalPort(),
          "--set", "spindle.admin.jobs-dir=" + directory.resolve("service")));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
      assertEquals(2, process.exitValue(), output);
      assertEquals(List.of("spindle: error: --set spindle.admin.port: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + ": the port is in use, or the address is not one of this machine's"),
          output.strip().lines().toList());
    }
  }
}
