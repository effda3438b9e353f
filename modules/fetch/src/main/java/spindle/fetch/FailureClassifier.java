package spindle.fetch;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.zip.DataFormatException;
import java.util.zip.ZipException;
import spindle.core.CrawlRecord;
import spindle.core.ErrorKind;
import spindle.fetch.address.AddressBlockedException;

/**
 * Turns an exception from the HTTP client into the failure kind and one-line message a record carries. Pekko HTTP
 * wraps socket errors in its own exceptions, so the whole cause chain is inspected, by type first and by message
 * where the type is too general.
 */
final class FailureClassifier {
  private static final int MAX_MESSAGE = 200;

  private FailureClassifier() {}

  /** The failure for {@code error}; {@link ErrorKind#INTERNAL} when nothing in the chain is recognised. */
  static CrawlRecord.Failure classify(Throwable error) {
    Throwable root = unwrap(error);
    for (Throwable cause = root; cause != null; cause = cause.getCause()) {
      if (cause instanceof AddressBlockedException) { // first: the client may wrap it in a connection failure
        return new CrawlRecord.Failure(ErrorKind.ADDRESS_BLOCKED, cause.getMessage()); // ours: one line, whole
      }
    }
    for (Throwable cause = root; cause != null; cause = cause.getCause()) {
      ErrorKind kind = kindOf(cause);
      if (kind != null) {
        return new CrawlRecord.Failure(kind, oneLine(cause));
      }
    }
    return new CrawlRecord.Failure(ErrorKind.INTERNAL, oneLine(root));
  }

  private static ErrorKind kindOf(Throwable cause) {
    String type = cause.getClass().getSimpleName();
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (cause instanceof UnknownHostException) {
      return ErrorKind.DNS_FAILURE;
    }
    if (cause instanceof ConnectException) {
      return message.contains("timed out") ? ErrorKind.CONNECT_TIMEOUT : ErrorKind.CONNECT_FAILED;
    }
    if (cause instanceof ZipException || cause instanceof DataFormatException) {
      return ErrorKind.DECODING_ERROR;
    }
    if (type.equals("TcpIdleTimeoutException")) {
      return ErrorKind.RESPONSE_TIMEOUT;
    }
    if (message.contains("connect timeout") || message.contains("connection attempt timed out")) {
      return ErrorKind.CONNECT_TIMEOUT;
    }
    if (cause instanceof TimeoutException) {
      return ErrorKind.TOTAL_TIMEOUT;
    }
    if (type.equals("IllegalUriException")) {
      return ErrorKind.INVALID_URL;
    }
    if (type.equals("IllegalResponseException") || type.equals("ParsingException")) {
      return ErrorKind.PROTOCOL_ERROR;
    }
    if (type.equals("UnexpectedConnectionClosureException") || type.equals("EntityStreamException")
        || type.startsWith("StageWasCompleted") // the pool's connection died under the request
        || message.contains("connection reset") || message.contains("closed unexpectedly")
        || message.contains("connection was closed") || message.contains("broken pipe")
        || message.contains("truncation")) {
      return ErrorKind.CONNECTION_RESET;
    }
    if (type.equals("StreamTcpException") && message.contains("connect(")) {
      return ErrorKind.CONNECT_FAILED;
    }
    return null;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while (current instanceof CompletionException && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static String oneLine(Throwable cause) {
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    String line = message.replace('\n', ' ').replace('\r', ' ');
    return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "...";
  }
}
