package spindle.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import spindle.engine.HostList;
import spindle.engine.HostReport;
import spindle.engine.WhyReport;

/**
 * The API's JSON shapes, written field by field: the names are a contract with the status page and with scripts
 * (docs/admin-api.md and openapi.yaml describe them), so they are spelt out here rather than derived from Java
 * names. Timestamps are ISO-8601 UTC strings; absent values are {@code null}.
 */
final class ApiJson {
  private final ObjectMapper mapper = new ObjectMapper();

  /** The mapper, for reading request bodies. */
  ObjectMapper mapper() {
    return mapper;
  }

  /** {@code node} as compact JSON text. */
  String text(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException impossible) { // a tree of plain nodes always serialises
      throw new IllegalStateException(impossible);
    }
  }

  /** {@code {"error": message}}. */
  ObjectNode error(String message) {
    return mapper.createObjectNode().put("error", message);
  }

  /** {@code {"status": status}}. */
  ObjectNode status(String status) {
    return mapper.createObjectNode().put("status", status);
  }

  /** One job. */
  ObjectNode job(JobView job) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", job.id());
    node.put("name", job.id());
    node.put("state", job.state().wireName());
    node.put("started", job.started().toString());
    node.put("ended", job.ended().map(Instant::toString).orElse(null));
    ObjectNode counts = node.putObject("counts");
    counts.put("discovered", job.counts().discovered());
    counts.put("queued", job.counts().queued());
    counts.put("in_flight", job.counts().inFlight());
    counts.put("fetched", job.counts().fetched());
    counts.put("failed", job.counts().failed());
    counts.put("scheduled", job.counts().scheduled());
    node.put("pages_per_second", round(job.pagesPerSecond()));
    if (job.etaSeconds().isPresent()) {
      node.put("eta_seconds", Math.round(job.etaSeconds().getAsDouble()));
    } else {
      node.putNull("eta_seconds");
    }
    node.put("output", job.output());
    node.put("store", job.store());
    node.put("error", job.error().orElse(null));
    if (job.warc().isPresent()) {
      ObjectNode warc = node.putObject("warc");
      warc.put("dir", job.warc().get().directory());
      warc.put("bytes", job.warc().get().bytes());
      warc.put("files", job.warc().get().files());
    } else {
      node.putNull("warc");
    }
    return node;
  }

  /** {@code {"jobs": [...]}}. */
  ObjectNode jobs(List<JobView> jobs) {
    ObjectNode node = mapper.createObjectNode();
    ArrayNode list = node.putArray("jobs");
    jobs.forEach(job -> list.add(job(job)));
    return node;
  }

  /** One host. */
  ObjectNode host(HostReport host, Instant now) {
    ObjectNode node = mapper.createObjectNode();
    node.put("host", host.host().name());
    node.put("queued", host.queued());
    node.put("in_flight", host.inFlight());
    node.put("fetched", host.fetched());
    node.put("errors", host.failed());
    node.put("robots", host.robots());
    node.put("effective_delay_ms", host.effectiveDelay().toMillis());
    node.put("delay_source", host.delaySource());
    node.put("delay_reason", host.delayReason());
    node.put("next_fetch_at", time(host.nextFetchAt()));
    node.put("backoff_until", time(host.backoffUntil()));
    node.put("robots_retry_at", time(host.robotsRetryAt()));
    if (host.lastStatus().isPresent()) {
      node.put("last_status", host.lastStatus().getAsInt());
    } else {
      node.putNull("last_status");
    }
    node.put("paused", host.paused());
    node.put("blocked", host.blocked());
    node.put("concurrency", host.concurrency());
    node.put("active", host.active());
    ArrayNode leases = node.putArray("leases");
    host.leases().forEach(lease -> leases.addObject().put("url", lease.url()).put("age_ms", lease.age().toMillis()));
    return node;
  }

  /** {@code {"hosts": [...], "total_hosts", "sort", "limit"}}. */
  ObjectNode hosts(HostList hosts, String sort, int limit, Instant now) {
    ObjectNode node = mapper.createObjectNode();
    ArrayNode list = node.putArray("hosts");
    hosts.hosts().forEach(host -> list.add(host(host, now)));
    node.put("total_hosts", hosts.totalHosts());
    node.put("sort", sort);
    node.put("limit", limit);
    return node;
  }

  /** Why a running job is not finished, from its crawl's report. */
  ObjectNode why(JobView job, WhyReport report, int limit, Instant now) {
    ObjectNode node = whyHeader(job, false, summary(report, limit));
    node.put("paused", report.paused());
    node.put("draining", report.draining());
    node.put("queued", report.queued());
    node.put("leased", report.leased());
    node.put("active_hosts", report.activeHosts());
    node.put("waiting_hosts", report.waitingHosts());
    node.put("ready_hosts", report.ready());
    waits(node.putArray("politeness"), report.politeness(), now);
    waits(node.putArray("backoff"), report.backoff(), now);
    waits(node.putArray("robots"), report.robots(), now);
    node.put("scheduled", report.scheduled());
    waits(node.putArray("revisits"), report.revisits(), now);
    ArrayNode paused = node.putArray("paused_hosts");
    report.pausedHosts().forEach(host -> paused.add(host.name()));
    ArrayNode inFlight = node.putArray("in_flight");
    report.inFlight().forEach(request -> inFlight.addObject().put("host", request.host().name())
        .put("url", request.url()).put("age_ms", request.age().toMillis()));
    node.put("truncated", report.truncated());
    return node;
  }

  /** The same shape for a job whose crawl has ended: nothing to wait for. */
  ObjectNode whyEnded(JobView job) {
    String summary = switch (job.state()) {
      case FINISHED -> "The job finished: nothing was left to fetch.";
      case FAILED -> "The job failed: " + job.error().orElse("see the service's log") + ".";
      default -> String.format(Locale.ROOT, "The job was stopped with %,d URLs still queued; submit it again to "
          + "resume it.", job.counts().queued());
    };
    ObjectNode node = whyHeader(job, true, summary);
    node.put("paused", false);
    node.put("draining", false);
    node.put("queued", job.counts().queued());
    node.put("leased", 0);
    node.put("active_hosts", 0);
    node.put("waiting_hosts", 0);
    node.put("ready_hosts", 0);
    node.putArray("politeness");
    node.putArray("backoff");
    node.putArray("robots");
    node.put("scheduled", 0);
    node.putArray("revisits");
    node.putArray("paused_hosts");
    node.putArray("in_flight");
    node.put("truncated", false);
    return node;
  }

  private ObjectNode whyHeader(JobView job, boolean finished, String summary) {
    ObjectNode node = mapper.createObjectNode();
    node.put("job", job.id());
    node.put("state", job.state().wireName());
    node.put("finished", finished);
    node.put("summary", summary);
    return node;
  }

  /** One sentence on what a running crawl waits for; a list cut at {@code limit} is counted as "at least". */
  static String summary(WhyReport report, int limit) {
    if (report.draining()) {
      return String.format(Locale.ROOT, "The job is stopping: %d requests in flight are finishing.",
          report.inFlight().size());
    }
    if (report.paused()) {
      return String.format(Locale.ROOT, "The job is paused: no request starts until it is resumed (%,d URLs "
          + "queued).", report.queued());
    }
    if (report.queued() == 0 && report.leased() == 0 && report.scheduled() > 0) {
      return String.format(Locale.ROOT, "Nothing is queued or in flight: %,d URLs wait for their revisits, the next "
          + "one %s.", report.scheduled(), report.revisits().isEmpty() ? "due soon"
          : "due at " + report.revisits().get(0).until().map(Instant::toString).orElse("?") + " on "
              + report.revisits().get(0).host().name());
    }
    if (report.queued() == 0 && report.leased() == 0) {
      return "Nothing is queued or in flight: the job is about to finish.";
    }
    return String.format(Locale.ROOT, "%,d URLs queued and %,d leased on %d active hosts: %d ready for a fetcher, "
            + "%s waiting for their politeness delay, %s backing off after 429/503, %s waiting for robots.txt, "
            + "%s paused; %s requests in flight%s.", report.queued(), report.leased(), report.activeHosts(),
        report.ready(), count(report.politeness(), limit), count(report.backoff(), limit),
        count(report.robots(), limit), count(report.pausedHosts(), limit), count(report.inFlight(), limit),
        report.waitingHosts() == 0 ? "" : String.format(Locale.ROOT, "; %,d more hosts with work wait for a turn "
            + "(spindle.engine.max-active-hosts)", report.waitingHosts()));
  }

  private static String count(List<?> list, int limit) {
    return (list.size() >= limit ? "at least " : "") + list.size();
  }

  private void waits(ArrayNode array, List<WhyReport.HostWait> waits, Instant now) {
    for (WhyReport.HostWait wait : waits) {
      ObjectNode node = array.addObject();
      node.put("host", wait.host().name());
      node.put("reason", wait.reason());
      node.put("until", time(wait.until()));
      if (wait.until().isPresent()) {
        node.put("wait_ms", Math.max(0, Duration.between(now, wait.until().get()).toMillis()));
      } else {
        node.putNull("wait_ms");
      }
    }
  }

  /** {@code {"interval_seconds": 1, "samples": [...]}}. */
  ObjectNode series(List<Sample> samples) {
    ObjectNode node = mapper.createObjectNode();
    node.put("interval_seconds", 1);
    ArrayNode list = node.putArray("samples");
    samples.forEach(sample -> list.addObject().put("t", sample.time().toString()).put("done", sample.done())
        .put("failed", sample.failed()).put("queued", sample.queued()).put("in_flight", sample.inFlight())
        .put("pages_per_second", round(sample.pagesPerSecond()))
        .put("errors_per_second", round(sample.errorsPerSecond())));
    return node;
  }

  /** {@code {"submitted": n}}. */
  ObjectNode submitted(int count) {
    return mapper.createObjectNode().put("submitted", count);
  }

  private static String time(Optional<Instant> instant) {
    return instant.map(Instant::toString).orElse(null);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
