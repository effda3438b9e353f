package spindle.core;

import java.util.Optional;

/**
 * Why a URL did not give a normal page. The set is small and closed: users group output records by it
 * ({@code jq 'select(.error.kind == "RESPONSE_TIMEOUT")'}), so names are stable.
 */
public enum ErrorKind {
  /** The host name could not be resolved. */
  DNS_FAILURE,
  /** The TCP connection was refused or could not be opened. */
  CONNECT_FAILED,
  /** The connection was not established within {@code spindle.fetch.connect-timeout}. */
  CONNECT_TIMEOUT,
  /** No response headers arrived within {@code spindle.fetch.response-timeout}. */
  RESPONSE_TIMEOUT,
  /** The whole fetch, body included, took longer than {@code spindle.fetch.total-timeout}. */
  TOTAL_TIMEOUT,
  /** The server reset or closed the connection before the response was complete. */
  CONNECTION_RESET,
  /** The response could not be read as HTTP. */
  PROTOCOL_ERROR,
  /** The body could not be decoded (a broken gzip or deflate stream). */
  DECODING_ERROR,
  /** The body was longer than {@code spindle.fetch.max-body-size}; what came before the cut was kept. */
  BODY_TOO_LARGE,
  /** The server answered 4xx (other than those with a kind of their own). */
  HTTP_CLIENT_ERROR,
  /** The server answered 429 Too Many Requests, and the retries ran out. */
  HTTP_TOO_MANY_REQUESTS,
  /** The server answered 5xx, and for 503 the retries ran out. */
  HTTP_SERVER_ERROR,
  /** The parser failed on the page. */
  PARSE_ERROR,
  /** robots.txt disallows the URL for our user agent. */
  ROBOTS_DISALLOWED,
  /** robots.txt could not be fetched (5xx or unreachable) after every retry, so the host stays disallowed. */
  ROBOTS_UNAVAILABLE,
  /** A redirect led back to a URL already in its own chain. */
  REDIRECT_LOOP,
  /** More redirects than {@code spindle.fetch.max-redirects}. */
  TOO_MANY_REDIRECTS,
  /** A redirect pointed outside the crawl's scope. */
  REDIRECT_OUT_OF_SCOPE,
  /** A redirect had no Location, or one that is not a valid http(s) URL. */
  REDIRECT_INVALID,
  /** The crawl stopped before the URL could be fetched (a graceful stop drained the queue). */
  CANCELLED,
  /** An operator blocked the URL's host while the crawl ran (admin API), so it was not fetched. */
  BLOCKED,
  /**
   * The address policy refused to connect to the URL's host: it resolves to a link-local or metadata address, to a
   * port of the service itself, or to a private address in a job seeded on public ones (docs/security.md).
   */
  ADDRESS_BLOCKED,
  /** The URL cannot be sent as an HTTP request (the client refused its syntax). */
  INVALID_URL,
  /** A bug in Spindle; the log holds the stack trace. */
  INTERNAL;

  /**
   * The kind for an HTTP status, or empty for statuses that are not failures (1xx, 2xx, 3xx). This is the only
   * place where status codes map to kinds.
   */
  public static Optional<ErrorKind> fromHttpStatus(int status) {
    if (status == 429) {
      return Optional.of(HTTP_TOO_MANY_REQUESTS);
    }
    if (status >= 500) {
      return Optional.of(HTTP_SERVER_ERROR);
    }
    if (status >= 400) {
      return Optional.of(HTTP_CLIENT_ERROR);
    }
    return Optional.empty();
  }
}
