package spindle.cli;

/** Where the log goes: {@code logs/spindle.log} unless {@code -Dspindle.log.file} says otherwise (see logback.xml). */
final class LogFiles {
  private LogFiles() {}

  /** The log file path as configured. */
  static String current() {
    return System.getProperty("spindle.log.file", "logs/spindle.log");
  }
}
