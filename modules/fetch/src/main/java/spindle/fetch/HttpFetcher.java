package spindle.fetch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.javadsl.ClientTransport;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.http.javadsl.coding.Coder;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import scala.concurrent.ExecutionContextExecutor;
import spindle.core.CompletionStages;
import spindle.core.CrawlRecord;
import spindle.core.ErrorKind;
import spindle.core.LastVisit;
import spindle.fetch.address.AddressPolicy;
import spindle.fetch.address.HostResolver;

/**
 * {@link PageFetcher} on the Pekko HTTP client's host connection pools. Timeouts: connecting is bounded by the
 * pool's connecting timeout, the wait for response headers by a scheduled timer, and the body by
 * {@code completionTimeout} on the entity stream, which cancels the stream (and so the connection) when it fires.
 * The body is decoded (gzip, deflate) while it streams and cut at the size limit, so a gzip bomb or an endless
 * body costs at most the limit.
 *
 * <p>Every connection goes through a transport that resolves its host with a {@link HostResolver}, asks the
 * {@link AddressPolicy} about each address, and connects to the first one allowed; so robots.txt, redirects and
 * every other fetch are judged by the address really connected to, and a refusal happens before any packet is sent
 * (an {@code ADDRESS_BLOCKED} failure).
 */
public final class HttpFetcher implements PageFetcher {
  private final Http http;
  private final HttpsConnectionContext https;
  private final ConnectionPoolSettings poolSettings;
  private final LoggingAdapter log;
  private final Materializer materializer;
  private final ActorSystem<?> system;
  private final ExecutionContextExecutor executor;
  private final FetchSettings settings;
  private final List<HttpHeader> headers;
  private final HostResolver resolver;

  /** Whether to keep each exchange as it went over the wire (WARC on): the payload as sent, decoded afterwards. */
  private final boolean keepExchanges;
  /** The address each host's connections went to last ("host:port"), for the archive's WARC-IP-Address. */
  private final Map<String, InetAddress> connectedTo = new ConcurrentHashMap<>();

  private HttpFetcher(ActorSystem<?> system, FetchSettings settings, AddressPolicy addresses, HostResolver resolver,
      boolean keepExchanges) {
    this.system = system;
    this.settings = settings;
    this.keepExchanges = keepExchanges;
    this.resolver = resolver;
    this.http = Http.get(system);
    this.https = http.defaultClientHttpsContext();
    this.poolSettings = ConnectionPoolSettings.create(poolConfig(settings).withFallback(system.settings().config()))
        .withTransport(transport(addresses, resolver,
            system.dispatchers().lookup(DispatcherSelector.blocking()), keepExchanges ? connectedTo : null));
    this.log = Logging.getLogger(system.classicSystem(), HttpFetcher.class);
    this.materializer = Materializer.matFromSystem(system);
    this.executor = system.executionContext();
    this.headers = settings.keepAlive()
        ? List.of(RawHeader.create("Accept-Encoding", "gzip, deflate"),
            RawHeader.create("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"))
        : List.of(RawHeader.create("Accept-Encoding", "gzip, deflate"),
            RawHeader.create("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
            RawHeader.create("Connection", "close"));
  }

  /**
   * A fetcher that uses {@code system}'s HTTP extension with pools sized for {@code settings}, and the address policy
   * of the settings alone: private addresses only when {@code spindle.fetch.allow-private-addresses} is on. A job
   * uses {@link #create(ActorSystem, FetchSettings, AddressPolicy)} with the policy of its seeds.
   */
  public static HttpFetcher create(ActorSystem<?> system, FetchSettings settings) {
    return create(system, settings, AddressPolicy.of(settings));
  }

  /** A fetcher whose connections follow {@code addresses}, resolved by the operating system. */
  public static HttpFetcher create(ActorSystem<?> system, FetchSettings settings, AddressPolicy addresses) {
    return create(system, settings, addresses, HostResolver.system());
  }

  /** A fetcher whose connections follow {@code addresses}, with hosts resolved by {@code resolver}. */
  public static HttpFetcher create(ActorSystem<?> system, FetchSettings settings, AddressPolicy addresses,
      HostResolver resolver) {
    return new HttpFetcher(system, settings, addresses, resolver, false);
  }

  /**
   * {@link #create(ActorSystem, FetchSettings, AddressPolicy, HostResolver)}, keeping every exchange as it went over
   * the wire ({@link FetchResult#exchange()}) for a WARC archive: the payload is read as sent and decoded afterwards,
   * which costs a copy of each page.
   */
  public static HttpFetcher archiving(ActorSystem<?> system, FetchSettings settings, AddressPolicy addresses,
      HostResolver resolver) {
    return new HttpFetcher(system, settings, addresses, resolver, true);
  }

  /** {@link #archiving(ActorSystem, FetchSettings, AddressPolicy, HostResolver)} with the system's resolver. */
  public static HttpFetcher archiving(ActorSystem<?> system, FetchSettings settings, AddressPolicy addresses) {
    return archiving(system, settings, addresses, HostResolver.system());
  }

  /**
   * TCP connections to the address {@code addresses} chooses among the host's, resolved on {@code blocking} (a DNS
   * lookup blocks its thread). A refusal or an unknown host fails the connection, so the request fails with it.
   */
  private static ClientTransport transport(AddressPolicy addresses, HostResolver resolver, Executor blocking,
      Map<String, InetAddress> connectedTo) {
    return ClientTransport.withCustomResolver((host, port) -> CompletableFuture.supplyAsync(() -> {
      try {
        InetSocketAddress chosen = addresses.choose(host, (Integer) port, resolver); // a Scala Int, seen as Object
        if (connectedTo != null && chosen.getAddress() != null) {
          connectedTo.put(host + ":" + port, chosen.getAddress());
        }
        return chosen;
      } catch (IOException refusedOrUnknown) {
        throw new CompletionException(refusedOrUnknown);
      }
    }, blocking));
  }

  /**
   * The pool configuration derived from the fetch settings. Pools are per host; the number of requests in flight
   * is capped by the fetcher actors, not here, so each pool may open up to the whole cap. The client's own retries
   * are off: retries are decided by {@link RetryPolicy} and go back through the host's politeness queue.
   */
  static Config poolConfig(FetchSettings settings) {
    int maxOpen = Integer.highestOneBit(Math.max(32, settings.concurrency() * 4) - 1) << 1;
    String prefix = "pekko.http.host-connection-pool.";
    return ConfigFactory.parseMap(Map.ofEntries(
        Map.entry(prefix + "max-connections", settings.concurrency()),
        Map.entry(prefix + "max-open-requests", maxOpen),
        Map.entry(prefix + "max-retries", 0),
        // a host's pool (with its connections' parsers: tens of kB) goes 10 s after its last request, so pools
        // follow the hosts being crawled, not every host crawled so far
        Map.entry(prefix + "idle-timeout", Math.min(10_000, settings.idleTimeout().toMillis()) + "ms"),
        Map.entry(prefix + "response-entity-subscription-timeout", "10s"),
        Map.entry(prefix + "client.connecting-timeout", settings.connectTimeout().toMillis() + "ms"),
        Map.entry(prefix + "client.idle-timeout", settings.idleTimeout().toMillis() + "ms"),
        Map.entry(prefix + "client.user-agent-header", settings.userAgent().header()),
        Map.entry(prefix + "client.parsing.max-content-length", "infinite"),
        Map.entry(prefix + "client.parsing.illegal-header-warnings", "off"),
        Map.entry(prefix + "client.parsing.max-response-reason-length", 1024),
        Map.entry(prefix + "client.parsing.max-header-value-length", "16k"),
        Map.entry(prefix + "client.parsing.uri-parsing-mode", "relaxed")));
  }

  @Override
  public HostResolver resolver() {
    return resolver;
  }

  @Override
  public CompletionStage<FetchResult> fetch(String url, long maxBodyBytes) {
    return fetch(url, maxBodyBytes, Optional.empty());
  }

  /**
   * {@inheritDoc} The validators go out as {@code If-None-Match} (the ETag) and {@code If-Modified-Since} (the
   * Last-Modified, as the server wrote it).
   */
  @Override
  public CompletionStage<FetchResult> fetch(String url, long maxBodyBytes, Optional<LastVisit> previous) {
    long start = System.nanoTime();
    HttpRequest request;
    try {
      List<HttpHeader> sent = headers;
      if (previous.isPresent() && previous.get().hasValidators()) {
        List<HttpHeader> conditional = new ArrayList<>(headers);
        previous.get().etag().ifPresent(tag -> conditional.add(RawHeader.create("If-None-Match", tag)));
        previous.get().lastModified().ifPresent(date -> conditional.add(RawHeader.create("If-Modified-Since", date)));
        sent = conditional;
      }
      request = HttpRequest.create().withUri(Uri.create(url, Uri.RELAXED)).addHeaders(sent);
    } catch (RuntimeException invalid) { // IllegalUriException: the client cannot express this URL
      return CompletableFuture.completedFuture(
          FetchResult.failed(url, ErrorKind.INVALID_URL, FailureClassifier.classify(invalid).message(), 0));
    }
    CompletableFuture<FetchResult> result = new CompletableFuture<>();
    Cancellable responseTimer = system.scheduler().scheduleOnce(settings.responseTimeout(),
        () -> result.complete(FetchResult.failed(url, ErrorKind.RESPONSE_TIMEOUT,
            "no response headers within " + settings.responseTimeout().toMillis() + " ms", millisSince(start))),
        executor);
    CompletionStages.onCompletingThread(http.singleRequest(request, https, poolSettings, log))
        .whenComplete((response, failure) -> {
      boolean timedOut = !responseTimer.cancel() && result.isDone();
      if (timedOut) {
        if (response != null) {
          response.discardEntityBytes(materializer);
        }
        return;
      }
      if (failure != null) {
        CrawlRecord.Failure classified = FailureClassifier.classify(failure);
        result.complete(FetchResult.failed(url, classified.kind(), classified.message(), millisSince(start)));
        return;
      }
      CompletionStage<FetchResult> body = keepExchanges ? readWire(url, request, response, maxBodyBytes, start)
          : readBody(url, response, maxBodyBytes, start);
      body.whenComplete((fetched, bodyFailure) ->
          result.complete(fetched != null ? fetched : FetchResult.failed(url, ErrorKind.INTERNAL,
              String.valueOf(bodyFailure), millisSince(start))));
    });
    return result;
  }

  private CompletionStage<FetchResult> readBody(String url, HttpResponse response, long maxBodyBytes, long start) {
    int status = response.status().intValue();
    FetchResult.Headers headers = headersOf(response);
    HttpResponse decoded;
    String encoding = response.encoding().value().toLowerCase(Locale.ROOT);
    switch (encoding) {
      case "gzip", "x-gzip" -> decoded = Coder.Gzip.decodeMessage(response);
      case "deflate" -> decoded = Coder.Deflate.decodeMessage(response);
      case "identity", "" -> decoded = response;
      default -> {
        response.discardEntityBytes(materializer);
        return CompletableFuture.completedFuture(FetchResult.bodyFailed(url, status, headers,
            ErrorKind.DECODING_ERROR, "unsupported Content-Encoding " + encoding, millisSince(start)));
      }
    }
    long expected = decoded == response ? response.entity().getContentLengthOption().orElse(-1L) : -1L;
    return readEntity(url, status, headers, response, decoded.entity(), expected, maxBodyBytes, start,
        (body, cut) -> FetchResult.response(url, status, headers, body, cut, maxBodyBytes, millisSince(start)));
  }

  /**
   * Reads {@code entity} (of {@code response}) within what is left of the total timeout, cut at {@code maxBodyBytes}
   * (the chunk that crosses the limit is kept and cut, then upstream is cancelled), and hands the bytes and whether
   * they were cut to {@code done}; a failure or the timeout is a body-failed result.
   */
  private CompletionStage<FetchResult> readEntity(String url, int status, FetchResult.Headers headers,
      HttpResponse response, HttpEntity entity, long expected, long maxBodyBytes, long start,
      BiFunction<byte[], Boolean, FetchResult> done) {
    long remainingNanos = settings.totalTimeout().toNanos() - (System.nanoTime() - start);
    if (remainingNanos <= 0) {
      response.discardEntityBytes(materializer);
      return CompletableFuture.completedFuture(FetchResult.bodyFailed(url, status, headers, ErrorKind.TOTAL_TIMEOUT,
          "fetch not complete within " + settings.totalTimeout().toMillis() + " ms", millisSince(start)));
    }
    long[] received = {0};
    return CompletionStages.onCompletingThread(entity.withoutSizeLimit().getDataBytes()
        .takeWhile(chunk -> (received[0] += chunk.size()) <= maxBodyBytes, true)
        .completionTimeout(Duration.ofNanos(remainingNanos))
        .runWith(Sink.fold(new BodyBuffer(expected, maxBodyBytes), (body, chunk) -> body.append(chunk, maxBodyBytes)),
            materializer))
        .handle((body, failure) -> {
          if (failure != null) {
            CrawlRecord.Failure classified = FailureClassifier.classify(failure);
            String message = classified.kind() == ErrorKind.TOTAL_TIMEOUT
                ? "fetch not complete within " + settings.totalTimeout().toMillis() + " ms"
                : classified.message();
            return FetchResult.bodyFailed(url, status, headers, classified.kind(), message, millisSince(start));
          }
          return done.apply(body.take(), received[0] > maxBodyBytes);
        });
  }

  /**
   * Reads the payload as sent (content encoding kept) for the archive, then decodes it for the parser; each is cut at
   * {@code maxBodyBytes}, and a cut one makes the result truncated.
   */
  private CompletionStage<FetchResult> readWire(String url, HttpRequest request, HttpResponse response,
      long maxBodyBytes, long start) {
    int status = response.status().intValue();
    FetchResult.Headers headers = headersOf(response);
    Instant began = Instant.now();
    long expected = response.entity().getContentLengthOption().orElse(-1L);
    return readEntity(url, status, headers, response, response.entity(), expected, maxBodyBytes, start,
        (payload, cut) -> {
          Exchange exchange = exchange(request, response, payload, cut, began);
          String encoding = response.encoding().value().toLowerCase(Locale.ROOT);
          ContentDecoding.Decoded decoded;
          try {
            decoded = ContentDecoding.decode(payload, encoding, maxBodyBytes);
          } catch (IOException undecodable) {
            return FetchResult.bodyFailed(url, status, headers, ErrorKind.DECODING_ERROR, undecodable.getMessage(),
                millisSince(start)).withExchange(exchange);
          }
          boolean truncated = cut || decoded.cut();
          return FetchResult.response(url, status, headers, decoded.bytes(), truncated, maxBodyBytes,
              millisSince(start)).withExchange(exchange);
        });
  }

  /** The exchange as it went over the wire: request line and headers as sent, status line and headers received. */
  private Exchange exchange(HttpRequest request, HttpResponse response, byte[] payload, boolean cut, Instant began) {
    Uri uri = request.getUri();
    String target = uri.toRelative().toString();
    int port = uri.port() > 0 ? uri.port() : uri.scheme().equals("https") ? 443 : 80;
    String host = uri.host().address();
    boolean defaultPort = uri.port() <= 0 || (uri.scheme().equals("https") ? port == 443 : port == 80);
    List<Exchange.Header> sent = new ArrayList<>();
    sent.add(new Exchange.Header("Host", host + (defaultPort ? "" : ":" + port)));
    sent.add(new Exchange.Header("User-Agent", settings.userAgent().header()));
    for (HttpHeader header : request.getHeaders()) {
      sent.add(new Exchange.Header(header.name(), header.value()));
    }
    List<Exchange.Header> received = new ArrayList<>();
    for (HttpHeader header : response.getHeaders()) {
      received.add(new Exchange.Header(header.name(), header.value()));
    }
    var type = response.entity().getContentType();
    if (!type.equals(ContentTypes.NO_CONTENT_TYPE)) {
      received.add(new Exchange.Header("Content-Type", type.toString()));
    }
    response.entity().getContentLengthOption().ifPresent(length ->
        received.add(new Exchange.Header("Content-Length", Long.toString(length))));
    if (response.entity().isChunked()) {
      received.add(new Exchange.Header("Transfer-Encoding", "chunked"));
    }
    String statusLine = response.protocol().value() + " " + response.status().intValue() + " "
        + response.status().reason();
    return new Exchange("GET " + target + " " + request.protocol().value(), sent, statusLine, received, payload, cut,
        Optional.ofNullable(connectedTo.get(host + ":" + port)), began);
  }

  private static FetchResult.Headers headersOf(HttpResponse response) {
    var contentType = response.entity().getContentType();
    String type = contentType.equals(ContentTypes.NO_CONTENT_TYPE) ? null : contentType.toString();
    String location = response.getHeader("Location").map(HttpHeader::value).orElse(null);
    Duration retryAfter = response.getHeader("Retry-After")
        .flatMap(header -> RetryPolicy.parseRetryAfter(header.value(), Instant.now()))
        .orElse(null);
    String robotsTag = null;
    for (HttpHeader header : response.getHeaders()) {
      if (header.is("x-robots-tag")) {
        robotsTag = robotsTag == null ? header.value() : robotsTag + ", " + header.value();
      }
    }
    String etag = response.getHeader("ETag").map(HttpHeader::value).orElse(null);
    String lastModified = response.getHeader("Last-Modified").map(HttpHeader::value).orElse(null);
    return new FetchResult.Headers(type, location, retryAfter, robotsTag, etag, lastModified);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
