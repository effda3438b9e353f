package spindle.cli;

import java.util.List;

/** What the {@code ./spindle} launcher adds to a JVM's options by the JVM's version, for tests that run as it does. */
final class LauncherJvm {
  private LauncherJvm() {}

  /**
   * On Java 24 and later, the options that turn off the JVM's warnings on standard error when a library loads native
   * code (RocksDB) or uses {@code sun.misc.Unsafe}'s memory access (Pekko); none before 24, which has no such warnings.
   */
  static List<String> quietOptions() {
    return Runtime.version().feature() >= 24
        ? List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
        : List.of();
  }
}
