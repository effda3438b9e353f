package spindle.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.core.HostKey;
import spindle.engine.Answer;
import spindle.engine.CrawlSupervisor;
import spindle.engine.HostControl;
import spindle.engine.HostList;
import spindle.engine.HostReport;
import spindle.engine.WhyReport;
import spindle.store.HostOrder;

/**
 * The admin HTTP API (docs/admin-api.md, {@code openapi.yaml}): jobs, hosts, why, series, {@code /metrics}, health,
 * and the status page, routed with Pekko HTTP's routing DSL. Each route serves one {@link Operation} (the list that a
 * test compares with the OpenAPI file) through the same directives: the operation's method, then its path
 * parameters, then the protections (the name the request gives the service; for a change, the site it comes from,
 * the token and the size of its body). An unknown path is a 404 and a known path with another method a 405 (with
 * {@code Allow}), both as JSON.
 *
 * <p>Questions go to the {@link JobManager} (and, for hosts and "why", to the job's crawl) with the ask timeout of
 * the settings; no answer in time is a 503. Blocking work (the Prometheus scrape, which reads frontiers) runs on the
 * {@code spindle.dispatchers.blocking-io} dispatcher, never on the routes' own.
 */
public final class AdminRoutes extends AllDirectives {
  /** A job id: {@code spindle.job.name}'s rule. */
  static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  /** A host key: a DNS name or an address (IPv6 in brackets), with an optional port. */
  static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}])"
      + "(?::[0-9]{1,5})?");
  /** A file of the status page. */
  static final Pattern UI_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  /** Where the status page's files are on the classpath. */
  static final String UI_RESOURCES = "spindle/admin/ui/";
  /** Where the OpenAPI description is on the classpath. */
  static final String OPENAPI_RESOURCE = "spindle/admin/openapi.yaml";

  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
  private static final ContentType JSON = ContentTypes.APPLICATION_JSON;
  private static final ContentType PROMETHEUS = MediaTypes.customWithOpenCharset("text", "plain",
      Map.of("version", "0.0.4"), false).toContentType(HttpCharsets.UTF_8);
  private static final ContentType YAML = MediaTypes.applicationWithOpenCharset("yaml", "yaml")
      .toContentType(HttpCharsets.UTF_8);
  private static final Map<String, ContentType> UI_TYPES = Map.of(
      "html", ContentTypes.TEXT_HTML_UTF8,
      "js", MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8),
      "mjs", MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8),
      "css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8),
      "json", ContentTypes.APPLICATION_JSON,
      "svg", MediaTypes.IMAGE_SVG_XML.toContentType(),
      "png", MediaTypes.IMAGE_PNG.toContentType(),
      "ico", MediaTypes.IMAGE_X_ICON.toContentType(),
      "txt", ContentTypes.TEXT_PLAIN_UTF8);
  /** The content types a mutation may carry: none that a browser sends across sites without a preflight. */
  private static final Set<String> MUTATION_TYPES = Set.of("application/json", "application/hocon");
  /** An IPv4 address, or an IPv6 address (with or without its brackets). */
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|\\[?[0-9a-f:.]*:[0-9a-f:.]*]?");
  private static final int DEFAULT_HOST_LIMIT = 50;
  private static final int MAX_HOST_LIMIT = 1000;
  private static final int DEFAULT_WHY_LIMIT = 50;

  /**
   * Every operation the API serves: what openapi.yaml documents (OpenApiTest compares the two). A route serves one
   * through {@link #serve}, which takes the method from here, so no route can serve an operation not listed here.
   */
  enum Operation {
    STATUS_PAGE(HttpMethods.GET, "/"),
    UI_FILE(HttpMethods.GET, "/ui/{file}"),
    HEALTH_LIVE(HttpMethods.GET, "/health/live"),
    HEALTH_READY(HttpMethods.GET, "/health/ready"),
    METRICS(HttpMethods.GET, "/metrics"),
    OPENAPI(HttpMethods.GET, "/api/openapi.yaml"),
    CLUSTER(HttpMethods.GET, "/api/cluster"),
    LIST_JOBS(HttpMethods.GET, "/api/jobs"),
    SUBMIT_JOB(HttpMethods.POST, "/api/jobs"),
    GET_JOB(HttpMethods.GET, "/api/jobs/{id}"),
    PAUSE_JOB(HttpMethods.POST, "/api/jobs/{id}/pause"),
    RESUME_JOB(HttpMethods.POST, "/api/jobs/{id}/resume"),
    STOP_JOB(HttpMethods.POST, "/api/jobs/{id}/stop"),
    ADD_SEEDS(HttpMethods.POST, "/api/jobs/{id}/seeds"),
    LIST_HOSTS(HttpMethods.GET, "/api/jobs/{id}/hosts"),
    GET_HOST(HttpMethods.GET, "/api/jobs/{id}/hosts/{host}"),
    CONTROL_HOST(HttpMethods.PATCH, "/api/jobs/{id}/hosts/{host}"),
    WHY(HttpMethods.GET, "/api/jobs/{id}/why"),
    SERIES(HttpMethods.GET, "/api/jobs/{id}/series");

    private final HttpMethod method;
    private final String template;

    Operation(HttpMethod method, String template) {
      this.method = method;
      this.template = template;
    }

    /** Its method. */
    HttpMethod method() {
      return method;
    }

    /** Its path, with {@code {name}} for each parameter, as openapi.yaml writes it. */
    String template() {
      return template;
    }

    /** Whether it changes something: then it is protected from other sites and needs the token. */
    boolean changes() {
      return !method.equals(HttpMethods.GET);
    }
  }

  private final ActorRef<JobManager.Command> manager;
  private final AdminSettings settings;
  private final PrometheusMeterRegistry registry;
  private final HostMetrics hostMetrics;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Executor blockingIo;
  private final ApiJson json = new ApiJson();
  private final Optional<byte[]> token;
  private final Optional<ClusterView> cluster;

  /** The routes over {@code manager}, answering with the settings' limits and timeouts. */
  public AdminRoutes(ActorSystem<?> system, ActorRef<JobManager.Command> manager, AdminSettings settings,
      PrometheusMeterRegistry registry, HostMetrics hostMetrics, Clock clock) {
    this(system, manager, settings, registry, hostMetrics, clock, Optional.empty());
  }

  /** The routes of a service that is a node of a cluster: {@code GET /api/cluster} shows {@code cluster}. */
  public AdminRoutes(ActorSystem<?> system, ActorRef<JobManager.Command> manager, AdminSettings settings,
      PrometheusMeterRegistry registry, HostMetrics hostMetrics, Clock clock, Optional<ClusterView> cluster) {
    this.cluster = cluster;
    this.manager = manager;
    this.settings = settings;
    this.registry = registry;
    this.hostMetrics = hostMetrics;
    this.clock = clock;
    this.scheduler = system.scheduler();
    this.blockingIo = system.dispatchers().lookup(DispatcherSelector.fromConfig("spindle.dispatchers.blocking-io"));
    this.token = settings.token().map(value -> value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The whole API as one route. Errors are JSON: an unknown path is a 404, a known path with another method a 405
   * (with {@code Allow}), an exception a 500.
   */
  public Route route() {
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> concat(
        pathSingleSlash(() -> serve(Operation.STATUS_PAGE, () -> uiFile("index.html"))),
        pathPrefix("ui", () -> path(PathMatchers.segment(), file -> serve(Operation.UI_FILE, invalidFile(file),
            () -> uiFile(file)))),
        pathPrefix("health", () -> concat(
            path("live", () -> serve(Operation.HEALTH_LIVE, () -> complete(respond(200, json.status("live"))))),
            path("ready", () -> serve(Operation.HEALTH_READY, this::ready)))),
        path("metrics", () -> serve(Operation.METRICS, this::metrics)),
        pathPrefix("api", () -> concat(
            path("openapi.yaml", () -> serve(Operation.OPENAPI, () -> getFromResource(OPENAPI_RESOURCE, YAML,
                AdminRoutes.class.getClassLoader()))),
            path("cluster", () -> serve(Operation.CLUSTER, this::clusterStatus)),
            pathPrefix("jobs", this::jobs))))));
  }

  /** {@code /api/jobs} and below. */
  private Route jobs() {
    return concat(
        pathEnd(() -> concat(
            serve(Operation.LIST_JOBS, this::listJobs),
            serve(Operation.SUBMIT_JOB, this::submitJob))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> serve(Operation.GET_JOB, invalidJobId(id), () -> getJob(id))),
            path("pause", () -> serve(Operation.PAUSE_JOB, invalidJobId(id),
                () -> changeJob(id, JobManager.JobAction.PAUSE))),
            path("resume", () -> serve(Operation.RESUME_JOB, invalidJobId(id),
                () -> changeJob(id, JobManager.JobAction.RESUME))),
            path("stop", () -> serve(Operation.STOP_JOB, invalidJobId(id),
                () -> changeJob(id, JobManager.JobAction.STOP))),
            path("seeds", () -> serve(Operation.ADD_SEEDS, invalidJobId(id), () -> addSeeds(id))),
            pathPrefix("hosts", () -> concat(
                pathEnd(() -> serve(Operation.LIST_HOSTS, invalidJobId(id), () -> listHosts(id))),
                path(PathMatchers.segment(), host -> concat(
                    serve(Operation.GET_HOST, invalidJobId(id).or(() -> invalidHost(host)), () -> getHost(id, host)),
                    serve(Operation.CONTROL_HOST, invalidJobId(id).or(() -> invalidHost(host)),
                        () -> controlHost(id, host)))))),
            path("why", () -> serve(Operation.WHY, invalidJobId(id), () -> why(id))),
            path("series", () -> serve(Operation.SERIES, invalidJobId(id), () -> series(id))))));
  }

  // ------------------------------------------------------------------------------------------------ directives

  /** {@link #serve(Operation, Optional, Supplier)} of an operation without path parameters. */
  private Route serve(Operation operation, Supplier<Route> inner) {
    return serve(operation, Optional.empty(), inner);
  }

  /**
   * The directives every operation goes through, once its path has matched: its method (else the request is
   * rejected, and a 405 names the methods of the path), its path parameters ({@code invalid}: 400), the name the
   * request gives the service (403), and for a change: the site it comes from (403, 415), the token (401) and the
   * size of its body (413).
   */
  private Route serve(Operation operation, Optional<String> invalid, Supplier<Route> inner) {
    return method(operation.method(), () -> validParameters(invalid, () -> namingThisService(() ->
        operation.changes() ? fromThisSite(() -> authorised(() -> withinBodyLimit(inner))) : inner.get())));
  }

  /** 400 with {@code invalid}, when a path parameter is invalid. */
  private Route validParameters(Optional<String> invalid, Supplier<Route> inner) {
    return invalid.map(message -> complete(respond(400, json.error(message)))).orElseGet(inner);
  }

  static Optional<String> invalidJobId(String id) {
    return JOB_ID.matcher(id).matches() ? Optional.empty() : Optional.of("invalid job id \"" + shorten(id)
        + "\": 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }

  static Optional<String> invalidHost(String host) {
    return host.length() <= 260 && HOST.matcher(host).matches() ? Optional.empty() : Optional.of("invalid host \""
        + shorten(host) + "\": a host name or address, with \":port\" when not the default");
  }

  static Optional<String> invalidFile(String file) {
    return UI_FILE.matcher(file).matches() ? Optional.empty()
        : Optional.of("invalid file name \"" + shorten(file) + "\"");
  }

  /**
   * 403 for a request whose {@code Host} is a name that is not this service's, on a service without a token: a web
   * page whose name an attacker re-pointed at 127.0.0.1 (DNS rebinding) would otherwise be same-origin with us.
   * Addresses, {@code localhost} and {@code spindle.admin.host} are ours. With a token the service is served beyond
   * loopback under any name, and changes need the token anyway.
   */
  private Route namingThisService(Supplier<Route> inner) {
    if (token.isPresent()) {
      return inner.get();
    }
    return extractUri(uri -> {
      String host = uri.host().address().toLowerCase(Locale.ROOT);
      if (host.isEmpty() || host.equals("localhost") || host.endsWith(".localhost")
          || host.equalsIgnoreCase(settings.host()) || IP_LITERAL.matcher(host).matches()) {
        return inner.get();
      }
      return complete(respond(403, json.error("requests must name this service by address or as localhost, not \""
          + shorten(host) + "\" (a name that points here from elsewhere is how a web page reaches a local service)")));
    });
  }

  /**
   * 403 or 415 for a change that a web page on another site could have sent: one with an {@code Origin} other than
   * this service's own, or with a content type a browser sends across sites without asking first (a form's,
   * {@code text/plain}, or none). Tools such as curl send no {@code Origin}.
   */
  private Route fromThisSite(Supplier<Route> inner) {
    return extractRequest(request -> {
      Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
      String own = "http://" + request.getUri().host().address() + (request.getUri().port() > 0
          ? ":" + request.getUri().port() : "");
      if (origin.isPresent() && !origin.get().equalsIgnoreCase(own)) {
        return complete(respond(403, json.error("cross-origin request refused: Origin " + shorten(origin.get())
            + " is not this service (" + own + ")")));
      }
      ContentType type = request.entity().getContentType();
      if (type.equals(ContentTypes.NO_CONTENT_TYPE) || !MUTATION_TYPES.contains(type.mediaType().toString())) {
        String given = type.equals(ContentTypes.NO_CONTENT_TYPE) ? "none" : type.mediaType().toString();
        return complete(respond(415, json.error(request.method().name() + " needs Content-Type: application/json "
            + "(or application/hocon for a HOCON job), was " + given + "; a browser cannot send those from another "
            + "site without asking first")));
      }
      return inner.get();
    });
  }

  /** 401 with a challenge for a change without the bearer token, when the service has one. */
  private Route authorised(Supplier<Route> inner) {
    if (token.isEmpty()) {
      return inner.get();
    }
    return optionalHeaderValueByName("Authorization", header -> {
      if (header.isPresent() && header.get().regionMatches(true, 0, "Bearer ", 0, 7)
          // constant time: no timing hints about the token
          && MessageDigest.isEqual(header.get().substring(7).strip().getBytes(StandardCharsets.UTF_8), token.get())) {
        return inner.get();
      }
      return complete(respond(401, json.error(header.isPresent() ? "wrong bearer token"
          : "this request needs \"Authorization: Bearer <token>\" (spindle.admin.token)"))
          .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"spindle\"")));
    });
  }

  /**
   * 413 for a body declared longer than {@code spindle.admin.max-body-size}, before reading it; a body that turns out
   * longer while it is read fails the same way (the size limit of the entity, then the exception handler).
   */
  private Route withinBodyLimit(Supplier<Route> inner) {
    return extractRequestEntity(entity -> entity.getContentLengthOption().orElse(0L) > settings.maxBodyBytes()
        ? complete(tooLarge())
        : withSizeLimit(settings.maxBodyBytes(), inner));
  }

  // ------------------------------------------------------------------------------------------------ handlers

  private Route uiFile(String file) {
    String resource = UI_RESOURCES + file;
    if (AdminRoutes.class.getClassLoader().getResource(resource) == null) {
      return complete(respond(404, json.error("no such file: " + file)));
    }
    int dot = file.lastIndexOf('.');
    String extension = dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    ContentType type = UI_TYPES.getOrDefault(extension, ContentTypes.APPLICATION_OCTET_STREAM);
    return getFromResource(resource, type, AdminRoutes.class.getClassLoader());
  }

  private Route clusterStatus() {
    if (cluster.isEmpty()) {
      return complete(respond(409, json.error("this service is not a node of a cluster (spindle serve --cluster)")));
    }
    return onComplete(cluster.get().describe(), described -> described.isSuccess()
        ? complete(HttpResponse.create().withStatus(200).withEntity(ContentTypes.APPLICATION_JSON, described.get()))
        : complete(respond(503, json.error("cannot describe the cluster: " + described.failed().get().getMessage()))));
  }

  private Route ready() {
    return answer(AskPattern.ask(manager, JobManager.GetReadiness::new, settings.askTimeout(), scheduler),
        "the job manager", readiness -> readiness == JobManager.Readiness.READY
            ? respond(200, json.status("ready"))
            : respond(503, json.status(readiness.name().toLowerCase(Locale.ROOT))));
  }

  private Route metrics() {
    HostMetrics hosts = hostMetrics;
    PrometheusMeterRegistry prometheus = registry;
    CompletionStage<HttpResponse> scrape = CompletableFuture.supplyAsync(() -> {
      hosts.refresh();
      return prometheus.scrape();
    }, blockingIo).thenApply(text -> HttpResponse.create().withEntity(strict(PROMETHEUS, text)));
    return completeWithFuture(scrape.exceptionally(this::internalError));
  }

  private Route listJobs() {
    return answer(AskPattern.ask(manager, JobManager.ListJobs::new, settings.askTimeout(), scheduler),
        "the job manager", jobs -> respond(200, json.jobs(jobs)));
  }

  private Route submitJob() {
    return body(entity -> {
      BodySyntax syntax = entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)
          ? BodySyntax.JSON : BodySyntax.HOCON;
      String text = entity.getData().utf8String();
      if (text.isBlank()) {
        return complete(respond(400, json.error("the request has no job in its body (HOCON or JSON, the keys of a "
            + "job file)")));
      }
      CompletionStage<Reply<JobView>> submitted = AskPattern.ask(manager,
          replyTo -> new JobManager.Submit(text, syntax, replyTo), submitTimeout(), scheduler);
      return completeWithFuture(submitted.handle((reply, failure) -> {
        if (failure != null) {
          return failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException
              ? respond(503, json.error("the job was not started within " + submitTimeout().toSeconds() + " s "
                  + "(its store may be slow to open); it may still start: see GET /api/jobs"))
              : internalError(failure);
        }
        if (reply instanceof Reply.Refused<JobView> refused) {
          return respond(refused.problem().status(), json.error(refused.message()));
        }
        JobView job = ((Reply.Ok<JobView>) reply).value();
        return respond(201, json.job(job)).addHeader(Location.create("/api/jobs/" + job.id()));
      }));
    });
  }

  /**
   * How long a submission may take: reading the job and opening its store (a large RocksDB store, or one whose
   * leases must be put back, takes a while), behind the submissions before it.
   */
  private Duration submitTimeout() {
    Duration floor = Duration.ofMinutes(2);
    return settings.askTimeout().compareTo(floor) > 0 ? settings.askTimeout() : floor;
  }

  private Route getJob(String id) {
    return reply(AskPattern.<JobManager.Command, Reply<JobView>>ask(manager,
        replyTo -> new JobManager.GetJob(id, replyTo), settings.askTimeout(), scheduler),
        job -> respond(200, json.job(job)));
  }

  private Route changeJob(String id, JobManager.JobAction action) {
    return reply(AskPattern.<JobManager.Command, Reply<JobView>>ask(manager,
        replyTo -> new JobManager.ChangeJob(id, action, replyTo), settings.askTimeout(), scheduler),
        job -> respond(200, json.job(job)));
  }

  private Route addSeeds(String id) {
    return jsonBody(body -> {
      JsonNode seeds = body.get("seeds");
      if (!body.isObject() || seeds == null || !seeds.isArray() || seeds.isEmpty() || body.size() != 1) {
        return complete(respond(400, json.error("expected {\"seeds\": [\"http://...\", ...]} with at least one URL")));
      }
      List<String> urls = new ArrayList<>();
      for (JsonNode seed : seeds) {
        if (!seed.isTextual()) {
          return complete(respond(400, json.error("seeds: " + shorten(seed.toString()) + " is not a string")));
        }
        urls.add(seed.asText());
      }
      return reply(AskPattern.<JobManager.Command, Reply<Integer>>ask(manager,
          replyTo -> new JobManager.AddSeeds(id, urls, replyTo), settings.askTimeout(), scheduler),
          count -> respond(202, json.submitted(count)));
    });
  }

  private Route listHosts(String id) {
    return parameterOptional("sort", sortParameter -> parameterOptional("limit", limitParameter -> {
      String sort = sortParameter.orElse("queued").toLowerCase(Locale.ROOT);
      HostOrder order;
      try {
        order = HostOrder.valueOf(sort.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException unknown) {
        return complete(respond(400, json.error("sort: \"" + shorten(sortParameter.get()) + "\" is not one of "
            + "queued, fetched, failed, host")));
      }
      Optional<Integer> limit = intParameter(limitParameter, DEFAULT_HOST_LIMIT, 1, MAX_HOST_LIMIT);
      if (limit.isEmpty()) {
        return complete(respond(400, json.error("limit: \"" + shorten(limitParameter.orElse("")) + "\" is not a "
            + "number from 1 to " + MAX_HOST_LIMIT)));
      }
      int count = limit.get();
      return withCrawl(id, "hosts", supervisor -> crawlAnswer(AskPattern.<CrawlSupervisor.Command, Answer<HostList>>ask(
          supervisor, replyTo -> new CrawlSupervisor.ListHosts(order, count, replyTo), settings.askTimeout(),
          scheduler), "job " + id, hosts -> respond(200, json.hosts(hosts, sort, count, clock.instant()))));
    }));
  }

  private Route getHost(String id, String host) {
    HostKey key = HostKey.parse(host);
    return withCrawl(id, "hosts", supervisor -> crawlAnswer(AskPattern.<CrawlSupervisor.Command, Answer<HostReport>>ask(
        supervisor, replyTo -> new CrawlSupervisor.GetHost(key, replyTo), settings.askTimeout(), scheduler),
        "job " + id, report -> respond(200, json.host(report, clock.instant()))));
  }

  private Route controlHost(String id, String host) {
    HostKey key = HostKey.parse(host);
    return jsonBody(body -> {
      HostControl control;
      try {
        control = HostControlBody.parse(body);
      } catch (IllegalArgumentException invalid) {
        return complete(respond(400, json.error(invalid.getMessage())));
      }
      HostControl change = control;
      return withCrawl(id, "hosts", supervisor -> crawlAnswer(AskPattern.<CrawlSupervisor.Command,
          Answer<HostReport>>ask(supervisor, replyTo -> new CrawlSupervisor.ControlHost(key, change, replyTo),
          settings.askTimeout(), scheduler), "job " + id, report -> respond(200, json.host(report, clock.instant()))));
    });
  }

  private Route why(String id) {
    return parameterOptional("limit", limitParameter -> {
      Optional<Integer> limit = intParameter(limitParameter, DEFAULT_WHY_LIMIT, 1, MAX_HOST_LIMIT);
      if (limit.isEmpty()) {
        return complete(respond(400, json.error("limit: \"" + shorten(limitParameter.orElse("")) + "\" is not a "
            + "number from 1 to " + MAX_HOST_LIMIT)));
      }
      int count = limit.get();
      return lookup(id, handle -> {
        if (handle.supervisor().isEmpty()) {
          return complete(respond(200, json.whyEnded(handle.view())));
        }
        return crawlAnswer(AskPattern.<CrawlSupervisor.Command, Answer<WhyReport>>ask(handle.supervisor().get(),
            replyTo -> new CrawlSupervisor.Explain(count, replyTo), settings.askTimeout(), scheduler),
            "job " + id, report -> respond(200, json.why(handle.view(), report, count, clock.instant())));
      });
    });
  }

  private Route series(String id) {
    return reply(AskPattern.<JobManager.Command, Reply<List<Sample>>>ask(manager,
        replyTo -> new JobManager.GetSeries(id, replyTo), settings.askTimeout(), scheduler),
        samples -> respond(200, json.series(samples)));
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** Runs {@code inner} with the job's running crawl; 409 when the job has ended. */
  private Route withCrawl(String id, String what, Function<ActorRef<CrawlSupervisor.Command>, Route> inner) {
    return lookup(id, handle -> handle.supervisor().map(inner).orElseGet(() -> complete(respond(409, json.error(
        "job " + id + " has ended (" + handle.view().state().wireName() + "); " + what + " are known only while "
        + "it runs")))));
  }

  private Route lookup(String id, Function<JobManager.JobHandle, Route> inner) {
    CompletionStage<Reply<JobManager.JobHandle>> handle = AskPattern.ask(manager,
        replyTo -> new JobManager.Lookup(id, replyTo), settings.askTimeout(), scheduler);
    return onComplete(handle, result -> {
      if (result.isFailure()) {
        return complete(failure(result.failed().get(), "the job manager"));
      }
      Reply<JobManager.JobHandle> reply = result.get();
      if (reply instanceof Reply.Refused<JobManager.JobHandle> refused) {
        return complete(respond(refused.problem().status(), json.error(refused.message())));
      }
      return inner.apply(((Reply.Ok<JobManager.JobHandle>) reply).value());
    });
  }

  /** The body as a strict entity; one longer than the limit {@link #withinBodyLimit} set is a 413. */
  private Route body(Function<HttpEntity.Strict, Route> inner) {
    return extractRequestEntity(entity -> extractMaterializer(materializer -> onComplete(
        entity.toStrict(Duration.ofSeconds(30).toMillis(), materializer),
        strict -> strict.isSuccess() ? inner.apply(strict.get()) : complete(unreadableBody(strict.failed().get())))));
  }

  private HttpResponse unreadableBody(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof EntityStreamSizeException) {
        return tooLarge();
      }
    }
    return respond(400, json.error("could not read the request body: " + failure.getMessage()));
  }

  /** The body as JSON; 400 naming the problem when it is not. */
  private Route jsonBody(Function<JsonNode, Route> inner) {
    return body(entity -> {
      String text = entity.getData().utf8String();
      JsonNode node;
      try {
        node = json.mapper().readTree(text);
      } catch (JsonProcessingException invalid) {
        return complete(respond(400, json.error("the body is not valid JSON: " + invalid.getOriginalMessage()
            .replaceAll("\\s+", " ") + locationOf(invalid))));
      }
      if (node == null || node.isMissingNode()) {
        return complete(respond(400, json.error("the request has no body; expected JSON")));
      }
      return inner.apply(node);
    });
  }

  private static String locationOf(JsonProcessingException invalid) {
    return invalid.getLocation() == null ? "" : " (line " + invalid.getLocation().getLineNr() + ", column "
        + invalid.getLocation().getColumnNr() + ")";
  }

  private static Optional<Integer> intParameter(Optional<String> text, int fallback, int min, int max) {
    if (text.isEmpty()) {
      return Optional.of(fallback);
    }
    try {
      int value = Integer.parseInt(text.get().strip());
      return value < min || value > max ? Optional.empty() : Optional.of(value);
    } catch (NumberFormatException notANumber) {
      return Optional.empty();
    }
  }

  /** Completes with the manager's reply: {@code ok} for a value, the refusal's status and message otherwise. */
  private <T> Route reply(CompletionStage<Reply<T>> reply, Function<T, HttpResponse> ok) {
    return answer(reply, "the job manager", value -> {
      if (value instanceof Reply.Ok<T> success) {
        return ok.apply(success.value());
      }
      Reply.Refused<T> refused = (Reply.Refused<T>) value;
      return respond(refused.problem().status(), json.error(refused.message()));
    });
  }

  /**
   * Completes with {@code ok} of a running crawl's answer; 503 naming the reason when the crawl could not answer
   * (its frontier cannot be read), or when {@code who} did not answer in time.
   */
  private <T> Route crawlAnswer(CompletionStage<Answer<T>> answer, String who, Function<T, HttpResponse> ok) {
    return answer(answer, who, value -> value instanceof Answer.Ok<T> given ? ok.apply(given.value())
        : respond(503, json.error(who + " could not answer: " + ((Answer.Failed<T>) value).reason())));
  }

  /** Completes with {@code ok} of the answer, or 503 when {@code who} did not answer in time. */
  private <T> Route answer(CompletionStage<T> answer, String who, Function<T, HttpResponse> ok) {
    return completeWithFuture(answer.handle((value, failure) -> failure == null ? ok.apply(value)
        : failure(failure, who)));
  }

  private HttpResponse failure(Throwable failure, String who) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
        : failure;
    if (cause instanceof TimeoutException) {
      return respond(503, json.error(who + " did not answer within " + settings.askTimeout().toMillis() + " ms"));
    }
    return internalError(cause);
  }

  private HttpResponse internalError(Throwable failure) {
    LOG.error("admin request failed", failure);
    return respond(500, json.error("internal error: " + failure + " (stack trace in the service's log)"));
  }

  private HttpResponse respond(int status, ObjectNode body) {
    return HttpResponse.create().withStatus(status).withEntity(strict(JSON, json.text(body)));
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, tooLarge -> complete(tooLarge()))
        .matchAny(failure -> complete(internalError(failure)))
        .build();
  }

  private HttpResponse tooLarge() {
    return respond(413, json.error("the request body is larger than " + settings.maxBodyBytes()
        + " bytes (spindle.admin.max-body-size)"));
  }

  private RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, this::methodNotAllowed)
        .handleNotFound(extractRequest(request -> complete(respond(404, json.error("no such endpoint: "
            + request.method().name() + " " + request.getUri().path() + " (see /api/openapi.yaml)")))))
        .handleAll(Rejection.class, rejections -> complete(respond(400, json.error("bad request: "
            + rejections.stream().map(Object::toString).collect(Collectors.joining("; "))))))
        .build();
  }

  /** 405 naming the methods the path has, in {@code Allow} too. */
  private Route methodNotAllowed(List<MethodRejection> rejections) {
    String allowed = rejections.stream().map(rejection -> rejection.supported().name()).distinct()
        .collect(Collectors.joining(", "));
    return extractRequest(request -> complete(respond(405, json.error("method " + request.method().name()
        + " is not allowed on " + request.getUri().path() + "; allowed: " + allowed))
        .addHeader(RawHeader.create("Allow", allowed))));
  }

  /** {@code text} on one line, cut after 100 characters: for quoting what a client sent. */
  static String shorten(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= 100 ? oneLine : oneLine.substring(0, 100) + "...";
  }

  private static HttpEntity.Strict strict(ContentType type, String text) {
    return HttpEntities.create(type, text.getBytes(StandardCharsets.UTF_8));
  }
}
