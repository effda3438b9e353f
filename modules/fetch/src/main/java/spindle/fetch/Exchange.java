package spindle.fetch;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An HTTP exchange as it went over the wire, for an archive: the request as sent and the response as received, its
 * payload as the server sent it (content encoding kept, transfer encoding undone). Header names are as received for
 * headers the HTTP client does not model, and in their registered spelling for those it does.
 *
 * @param requestLine e.g. {@code GET /a?b HTTP/1.1}
 * @param requestHeaders the request's headers, in the order sent
 * @param statusLine e.g. {@code HTTP/1.1 200 OK}
 * @param responseHeaders the response's headers
 * @param payload the payload bytes (not a copy: do not modify); for a cut body, those received before the cut
 * @param truncated whether the payload was cut at the size limit (the decoded body can be cut while the payload as
 *     sent is whole: a small compressed payload that decodes to more than the limit)
 * @param ip the server's address, when known
 * @param date when the response began
 */
public record Exchange(String requestLine, List<Header> requestHeaders, String statusLine,
    List<Header> responseHeaders, byte[] payload, boolean truncated, Optional<InetAddress> ip, Instant date) {
  public Exchange {
    requestHeaders = List.copyOf(requestHeaders);
    responseHeaders = List.copyOf(responseHeaders);
  }

  /** One header field. */
  public record Header(String name, String value) {}
}
