package spindle.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks that need a program beyond Java and Maven (Chromium, promtool): without it such a check is skipped, and it
 * leaves one line in the module's {@code target/skipped-checks/}, which the build prints at its end (the cli
 * module's {@code report-skipped-checks} step), so a green build says what it did not check and which Debian package
 * would check it.
 */
final class SkippedChecks {
  private SkippedChecks() {}

  /**
   * Returns when nothing is {@code missing}; else writes the line for the end of the build and aborts the calling
   * test, which JUnit reports as skipped.
   *
   * @param check what is not checked, for the user: "the status page in Chromium (ServiceEndToEndTest)"
   * @param missing the programs or files not found, empty when the check can run
   * @param enable how to get them: "apt-get install chromium"
   */
  static void skipUnlessInstalled(String check, List<String> missing, String enable) {
    skipUnlessInstalled(directory(), check, missing, enable);
  }

  /** As {@link #skipUnlessInstalled(String, List, String)}, with the line in {@code directory}. */
  static void skipUnlessInstalled(Path directory, String check, List<String> missing, String enable) {
    if (missing.isEmpty()) {
      return;
    }
    String line = "Skipped: " + check + ": no " + String.join(", no ", missing) + "; " + enable
        + " enables it (.ci/run does)";
    try {
      Files.createDirectories(directory);
      Files.writeString(directory.resolve(fileName(check)), line + "\n", StandardCharsets.UTF_8);
    } catch (IOException failure) {
      throw new UncheckedIOException("cannot note the skipped check in " + directory, failure);
    }
    Assumptions.abort(line);
  }

  /**
   * Where the lines go: {@code target/skipped-checks} of the module (surefire runs the tests in the module's
   * directory; not a system property: Typesafe Config would read a {@code spindle.*} one as a setting).
   */
  static Path directory() {
    return Path.of("target", "skipped-checks");
  }

  /** One file per check, named after it, so a check skipped twice still prints one line. */
  static String fileName(String check) {
    return check.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "") + ".txt";
  }
}
