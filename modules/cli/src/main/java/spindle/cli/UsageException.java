package spindle.cli;

/**
 * A mistake in what the user gave us (a job file, a key, a seed URL, a flag). The command line prints the message
 * as one line, without a stack trace, and exits with code 2.
 */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
