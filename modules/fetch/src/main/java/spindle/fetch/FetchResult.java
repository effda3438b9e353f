package spindle.fetch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import spindle.core.CrawlRecord;
import spindle.core.ErrorKind;

/**
 * The outcome of one HTTP request: a response (status, the headers a crawler acts on, the decoded body) and/or a
 * failure. A failure after the headers arrived (a reset mid-body, a total timeout) keeps the status. Never thrown:
 * every problem is a value here.
 *
 * <p>The body array is handed over to the receiver and never modified afterwards; it is not copied, because pages
 * are large and the hot path must not copy them twice.
 */
public final class FetchResult {
  private static final byte[] NO_BODY = new byte[0];

  private final String url;
  private final int status;
  private final String contentType;
  private final String location;
  private final Duration retryAfter;
  private final String robotsTag;
  private final byte[] body;
  private final boolean truncated;
  private final CrawlRecord.Failure error;
  private final long fetchMillis;
  private final Instant fetchedAt;
  private final Exchange exchange;
  private final String etag;
  private final String lastModified;

  private FetchResult(String url, int status, String contentType, String location, Duration retryAfter,
      String robotsTag, byte[] body, boolean truncated, CrawlRecord.Failure error, long fetchMillis,
      Instant fetchedAt) {
    this(url, status, contentType, location, retryAfter, robotsTag, body, truncated, error, fetchMillis, fetchedAt,
        null, null, null);
  }

  private FetchResult(String url, int status, String contentType, String location, Duration retryAfter,
      String robotsTag, byte[] body, boolean truncated, CrawlRecord.Failure error, long fetchMillis,
      Instant fetchedAt, Exchange exchange, String etag, String lastModified) {
    this.url = Objects.requireNonNull(url, "url");
    this.status = status;
    this.contentType = contentType;
    this.location = location;
    this.retryAfter = retryAfter;
    this.robotsTag = robotsTag;
    this.body = body == null ? NO_BODY : body;
    this.truncated = truncated;
    this.error = error;
    this.fetchMillis = fetchMillis;
    this.fetchedAt = fetchedAt;
    this.exchange = exchange;
    this.etag = etag;
    this.lastModified = lastModified;
  }

  /** This result with the exchange as it went over the wire (a fetcher that keeps exchanges for an archive). */
  public FetchResult withExchange(Exchange wire) {
    return new FetchResult(url, status, contentType, location, retryAfter, robotsTag, body, truncated, error,
        fetchMillis, fetchedAt, wire, etag, lastModified);
  }

  /** The exchange as it went over the wire, when the fetcher keeps them (WARC on) and a response arrived. */
  public Optional<Exchange> exchange() {
    return Optional.ofNullable(exchange);
  }

  /** A complete response. A truncated body also sets a {@link ErrorKind#BODY_TOO_LARGE} error. */
  public static FetchResult response(String url, int status, Headers headers, byte[] body, boolean truncated,
      long maxBodyBytes, long fetchMillis) {
    CrawlRecord.Failure error = truncated
        ? new CrawlRecord.Failure(ErrorKind.BODY_TOO_LARGE, "body cut at " + maxBodyBytes + " bytes")
        : null;
    return new FetchResult(url, status, headers.contentType, headers.location, headers.retryAfter,
        headers.robotsTag, body, truncated, error, fetchMillis, Instant.now(), null, headers.etag, headers.lastModified);
  }

  /** A response whose body failed part-way (status known, body lost). */
  public static FetchResult bodyFailed(String url, int status, Headers headers, ErrorKind kind, String message,
      long fetchMillis) {
    return new FetchResult(url, status, headers.contentType, headers.location, headers.retryAfter,
        headers.robotsTag, NO_BODY, false, new CrawlRecord.Failure(kind, message), fetchMillis, Instant.now(), null,
        headers.etag, headers.lastModified);
  }

  /** A request that got no response at all. */
  public static FetchResult failed(String url, ErrorKind kind, String message, long fetchMillis) {
    return new FetchResult(url, -1, null, null, null, null, NO_BODY, false,
        new CrawlRecord.Failure(kind, message), fetchMillis, Instant.now());
  }

  /**
   * The headers of a response that a crawler acts on; absent values are null here and Optional outside. {@code etag}
   * and {@code lastModified} are the validators a revisit sends back, as the server wrote them.
   */
  public record Headers(String contentType, String location, Duration retryAfter, String robotsTag, String etag,
      String lastModified) {
    /** No headers at all. */
    public static final Headers NONE = new Headers(null, null, null, null, null, null);

    /** Headers without validators. */
    public Headers(String contentType, String location, Duration retryAfter, String robotsTag) {
      this(contentType, location, retryAfter, robotsTag, null, null);
    }
  }

  /** The URL requested. */
  public String url() {
    return url;
  }

  /** The HTTP status, or empty when no response arrived. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** The Content-Type header, or empty when the response had none. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** The Location header, or empty. */
  public Optional<String> location() {
    return Optional.ofNullable(location);
  }

  /** The wait a Retry-After header asked for, or empty. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** The X-Robots-Tag header, or empty. */
  public Optional<String> robotsTag() {
    return Optional.ofNullable(robotsTag);
  }

  /** The ETag header, as sent; empty when the response had none. */
  public Optional<String> etag() {
    return Optional.ofNullable(etag);
  }

  /** The Last-Modified header, as sent; empty when the response had none. */
  public Optional<String> lastModified() {
    return Optional.ofNullable(lastModified);
  }

  /** Whether the response is a 304 Not Modified: the answer to a conditional GET whose validators still match. */
  public boolean notModified() {
    return status == 304 && error == null;
  }

  /** The decoded body; empty when there was none. Not a copy: do not modify. */
  public byte[] body() {
    return body;
  }

  /** Whether the body was cut at the size limit. */
  public boolean truncated() {
    return truncated;
  }

  /** The failure, or empty when the request succeeded at the HTTP level (any status). */
  public Optional<CrawlRecord.Failure> error() {
    return Optional.ofNullable(error);
  }

  /** Milliseconds from sending the request to the end of the body or the failure. */
  public long fetchMillis() {
    return fetchMillis;
  }

  /** When the fetch ended. */
  public Instant fetchedAt() {
    return fetchedAt;
  }

  /** Whether the status is a redirect that carries a Location. */
  public boolean isRedirect() {
    return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) && location != null;
  }

  @Override
  public String toString() {
    return "FetchResult[" + url + " status=" + status + " bytes=" + body.length
        + (error == null ? "" : " error=" + error.kind() + ": " + error.message()) + "]";
  }
}
