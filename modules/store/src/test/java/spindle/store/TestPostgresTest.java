package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL the tests start for themselves when no server is configured or answering (which is what a machine
 * with Java and Maven alone gets): PostgreSQL 17 on 127.0.0.1 with the role and database spindle, gone when its JVM
 * exits. Run in a child JVM, so that this holds on a machine whose own server answers too (CI).
 */
class TestPostgresTest {
  @TempDir
  Path temp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aJvmWithoutAServerStartsPostgresOnLoopbackAndStopsAndDeletesItWhenItExits()
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path errors = temp.resolve("child.err");
    Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", classPath, EmbeddedPostgresChild.class.getName())
        .redirectError(errors.toFile()).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not exit: " + output);
    assertEquals(0, child.exitValue(), output + Files.readString(errors));

    Map<String, String> said = new HashMap<>();
    output.lines().map(line -> line.split(" ", 2)).forEach(words -> said.put(words[0], words[1]));
    assertTrue(said.get("version").startsWith("17."), output);
    assertEquals("127.0.0.1", said.get("address"), output);
    assertEquals("spindle@spindle", said.get("login"), output);
    String[] data = said.get("data").split(" ");
    assertEquals("true", data[1], "the data directory existed while the server ran: " + output);

    assertFalse(Files.exists(Path.of(data[0])), "the data directory outlived the JVM: " + data[0]);
    URI url = URI.create(said.get("url").substring("jdbc:".length()));
    assertTrue(url.getPort() > 0 && url.getPort() != 5432, output);
    assertThrows(SQLException.class, () -> DriverManager.getConnection(said.get("url"), "spindle", "spindle").close(),
        "the server outlived the JVM");
  }
}
