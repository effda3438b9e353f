package spindle.store.warc;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One HTTP exchange to archive: the request as sent and the response as received, its payload as the server sent it
 * (content encoding kept, transfer encoding undone).
 *
 * @param url the requested URL
 * @param date when the response began
 * @param ip the server's address, when known
 * @param requestLine the request line, e.g. {@code GET /a?b HTTP/1.1}
 * @param requestHeaders the request's headers, in order
 * @param statusLine the status line, e.g. {@code HTTP/1.1 200 OK}
 * @param responseHeaders the response's headers, in order, as received (a {@code Transfer-Encoding} among them is
 *     dropped when written, since the payload is stored without it)
 * @param payload the payload bytes; for a truncated capture, those received before the cut
 * @param truncated why the payload is incomplete, or empty when it is whole
 * @param notModifiedDigest for a 304 to a revisit's conditional GET, the payload digest of the page as last visited
 *     (its revisit record refers to the capture of that payload); else empty
 */
public record Capture(String url, Instant date, Optional<InetAddress> ip, String requestLine,
    List<Header> requestHeaders, String statusLine, List<Header> responseHeaders, byte[] payload,
    Optional<Truncation> truncated, Optional<String> notModifiedDigest) {
  public Capture {
    requestHeaders = List.copyOf(requestHeaders);
    responseHeaders = List.copyOf(responseHeaders);
  }

  /** A capture that is not a 304 to a revisit. */
  public Capture(String url, Instant date, Optional<InetAddress> ip, String requestLine, List<Header> requestHeaders,
      String statusLine, List<Header> responseHeaders, byte[] payload, Optional<Truncation> truncated) {
    this(url, date, ip, requestLine, requestHeaders, statusLine, responseHeaders, payload, truncated,
        Optional.empty());
  }

  /** Whether the server answered 304 Not Modified: archived as a revisit of profile server-not-modified. */
  public boolean notModified() {
    return status() == 304;
  }

  /** One header field, name as received. */
  public record Header(String name, String value) {}

  /** Why a payload is incomplete, as WARC-Truncated says it. */
  public enum Truncation {
    /** Longer than the size limit. */
    LENGTH,
    /** Not complete within the time limit. */
    TIME,
    /** The connection ended first. */
    DISCONNECT
  }

  /** The status code of {@link #statusLine()}, or 0 when it has none. */
  public int status() {
    String[] parts = statusLine.split(" ", 3);
    try {
      return parts.length >= 2 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }

  /** The first value of header {@code name} (case-insensitive) in the response, or empty. */
  public Optional<String> responseHeader(String name) {
    return responseHeaders.stream().filter(header -> header.name().equalsIgnoreCase(name)).map(Header::value)
        .findFirst();
  }
}
