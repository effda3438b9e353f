package spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** A check whose program is missing is skipped and leaves the one line the build prints at its end. */
class SkippedChecksTest {
  @TempDir
  Path directory;

  @Test
  void aCheckWithoutItsProgramIsSkippedAndLeavesALineNamingThePackage() throws IOException {
    TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> SkippedChecks.skipUnlessInstalled(
        directory, "/metrics through promtool (SomeTest)", List.of("/usr/bin/promtool"), "apt-get install prometheus"));
    String line = "Skipped: /metrics through promtool (SomeTest): no /usr/bin/promtool; apt-get install prometheus "
        + "enables it (.ci/run does)";
    assertEquals(line, skipped.getMessage());
    assertEquals(List.of(line), Files.readAllLines(directory.resolve("metrics-through-promtool-sometest.txt")));
  }

  @Test
  void aCheckSkippedTwiceLeavesOneLine() throws IOException {
    for (int run = 0; run < 2; run++) {
      assertThrows(TestAbortedException.class, () -> SkippedChecks.skipUnlessInstalled(directory, "the page (T)",
          List.of("/usr/bin/chromium", "/usr/bin/node"), "apt-get install chromium nodejs"));
    }
    try (var files = Files.list(directory)) {
      List<Path> lines = files.toList();
      assertEquals(1, lines.size(), lines.toString());
      assertEquals(List.of("Skipped: the page (T): no /usr/bin/chromium, no /usr/bin/node; apt-get install chromium "
          + "nodejs enables it (.ci/run does)"), Files.readAllLines(lines.get(0)));
    }
  }

  @Test
  void aCheckWithItsProgramRunsAndLeavesNothing() throws IOException {
    SkippedChecks.skipUnlessInstalled(directory, "the page (T)", List.of(), "apt-get install chromium");
    try (var files = Files.list(directory)) {
      assertFalse(files.findAny().isPresent());
    }
  }
}
