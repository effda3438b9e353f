package spindle.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spindle.core.CrawlRecord;
import spindle.core.CrawlUrl;
import spindle.core.ErrorKind;
import spindle.core.HostKey;
import spindle.core.LastVisit;
import spindle.core.RevisitSchedule;
import spindle.core.ScopeRules;
import spindle.core.url.UrlNormalizer;
import spindle.core.url.WebUrl;
import spindle.fetch.Exchange;
import spindle.fetch.FetchResult;
import spindle.fetch.sitemaps.SitemapReader;
import spindle.fetch.sitemaps.SitemapReading;
import spindle.fetch.sitemaps.SitemapSettings;
import spindle.parse.PageLink;
import spindle.parse.PageRefresh;
import spindle.parse.ParsedPage;
import spindle.store.warc.Capture;
import spindle.store.warc.WarcArchive;

/**
 * Turns a fetch outcome into a {@link Processed}: the record, the in-scope links of a page (or the in-scope URLs and
 * sitemaps a sitemap lists, at the depth of a seed), or the checked target of a redirect (an HTTP 3xx, or a page
 * whose meta refresh has no delay). Runs on the parse dispatcher, many at once; thread-safe. It never throws for a
 * page or a sitemap: a parser failure becomes a PARSE_ERROR record.
 */
final class PageProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(PageProcessor.class);

  private final PageParsing parsing;
  private final UrlNormalizer normalizer;
  private final ScopeRules scope;
  private final int maxRedirects;
  private final SitemapReader sitemaps;
  private final RevisitSchedule revisits;

  PageProcessor(PageParsing parsing, UrlNormalizer normalizer, ScopeRules scope, int maxRedirects,
      SitemapReader sitemaps, RevisitSchedule revisits) {
    this.parsing = parsing;
    this.normalizer = normalizer;
    this.scope = scope;
    this.maxRedirects = maxRedirects;
    this.sitemaps = sitemaps;
    this.revisits = revisits;
  }

  /** A processor for a crawl that visits each URL once. */
  PageProcessor(PageParsing parsing, UrlNormalizer normalizer, ScopeRules scope, int maxRedirects,
      SitemapReader sitemaps) {
    this(parsing, normalizer, scope, maxRedirects, sitemaps, RevisitSchedule.NONE);
  }

  /** A processor that reads sitemaps with the protocol's limits (50 MiB, 50,000 URLs). */
  PageProcessor(PageParsing parsing, UrlNormalizer normalizer, ScopeRules scope, int maxRedirects) {
    this(parsing, normalizer, scope, maxRedirects, new SitemapReader(new SitemapSettings(true, 50L << 20, 50_000)));
  }

  /**
   * The sitemaps among {@code urls} (robots.txt's Sitemap: lines, a guessed {@code /sitemap.xml}, or an index's
   * entries) that are http(s) URLs in scope, normalised, at the depth of a seed; {@code parent} is the index.
   */
  List<CrawlUrl> sitemaps(List<String> urls, Optional<String> parent) {
    List<CrawlUrl> admitted = new ArrayList<>(urls.size());
    for (String url : urls) {
      inScope(url).ifPresent(target -> admitted.add(CrawlUrl.sitemap(target.href(), host(target), parent)));
    }
    return admitted;
  }

  /** Processes the outcome of a URL: a fetch or a rejection. */
  Processed process(FetchOutcome outcome) {
    if (outcome instanceof FetchOutcome.Rejected rejected) {
      CrawlRecord record = CrawlRecord.builder(rejected.url()).error(rejected.kind(), rejected.message())
          .sitemap(rejected.url().isSitemap() ? CrawlRecord.Sitemap.unread() : null).build();
      return new Processed(rejected.url(), record, List.of(), Optional.empty());
    }
    if (!(outcome instanceof FetchOutcome.Fetched fetched)) {
      throw new IllegalArgumentException("not the outcome of a URL: " + outcome.getClass().getSimpleName());
    }
    Processed processed = visited(processFetch(fetched), fetched.result());
    Optional<String> lastDigest = fetched.result().notModified()
        ? fetched.url().lastVisit().flatMap(LastVisit::digest) : Optional.empty();
    List<Capture> captures = captures(fetched.result(), lastDigest);
    return captures.isEmpty() ? processed : new Processed(processed.url(), processed.record(), processed.outlinks(),
        processed.redirectTarget(), captures);
  }

  /**
   * In a crawl that revisits pages, {@code processed} with the visit just made: its URL remembers it (validators,
   * digest, the interval the schedule adapted: {@link RevisitSchedule#visited}) and its record says which visit it was
   * and, on a revisit, whether the page changed (false after a 304; else whether the payload digest differs). A
   * failure or a redirect handed on is not a visit to remember: the URL is not revisited.
   */
  private Processed visited(Processed processed, FetchResult result) {
    if (!revisits.enabled() || processed.record().error().isPresent() || processed.redirectTarget().isPresent()) {
      return processed;
    }
    CrawlUrl url = processed.url();
    Optional<LastVisit> previous = url.lastVisit();
    boolean notModified = previous.isPresent() && result.notModified();
    Optional<String> digest = notModified ? previous.get().digest() : processed.record().contentDigest();
    Optional<Boolean> changed = previous.map(last -> !notModified && !digest.equals(last.digest()));
    // a 304 may leave out a validator the server gave before (RFC 9110 15.4.5 asks for ETag only): keep it
    Optional<String> etag = result.etag().or(() -> notModified ? previous.get().etag() : Optional.empty());
    Optional<String> lastModified = result.lastModified()
        .or(() -> notModified ? previous.get().lastModified() : Optional.empty());
    LastVisit visit = revisits.visited(previous, result.fetchedAt(), changed, etag, lastModified, digest);
    CrawlRecord.Builder record = processed.record().toBuilder().visit(visit.visits());
    changed.ifPresent(record::changed);
    return new Processed(url.withLastVisit(visit), record.build(), processed.outlinks(), Optional.empty(),
        processed.captures());
  }

  /** The exchange of {@code result} as the archive takes it; none when the fetcher kept none (WARC off). */
  static List<Capture> captures(FetchResult result) {
    return captures(result, Optional.empty());
  }

  /**
   * {@link #captures(FetchResult)}, for a 304 to a revisit with the payload digest of the page as last visited, which
   * its revisit record refers to.
   */
  static List<Capture> captures(FetchResult result, Optional<String> notModifiedDigest) {
    if (result.exchange().isEmpty()) {
      return List.of();
    }
    Exchange exchange = result.exchange().get();
    return List.of(new Capture(result.url(), exchange.date(), exchange.ip(), exchange.requestLine(),
        headers(exchange.requestHeaders()), exchange.statusLine(), headers(exchange.responseHeaders()),
        exchange.payload(), exchange.truncated() ? Optional.of(Capture.Truncation.LENGTH) : Optional.empty(),
        notModifiedDigest));
  }

  private static List<Capture.Header> headers(List<Exchange.Header> headers) {
    List<Capture.Header> converted = new ArrayList<>(headers.size());
    headers.forEach(header -> converted.add(new Capture.Header(header.name(), header.value())));
    return converted;
  }

  private Processed processFetch(FetchOutcome.Fetched fetched) {
    CrawlUrl url = fetched.url();
    FetchResult result = fetched.result();
    CrawlRecord.Builder record = CrawlRecord.builder(url)
        .sitemap(url.isSitemap() ? CrawlRecord.Sitemap.unread() : null)
        .contentType(result.contentType().orElse(null))
        .bytes(result.body().length)
        .fetchMillis(result.fetchMillis())
        .fetchedAt(result.fetchedAt())
        .truncated(result.truncated())
        .attempts(fetched.attempts());
    result.status().ifPresent(record::status);
    result.error().ifPresent(error -> record.error(error.kind(), error.message()));
    // the payload's digest: of the payload as sent when it was kept for the archive (WARC's payload digest), else
    // of the body as decoded (the same unless the response was compressed)
    byte[] payload = result.exchange().map(Exchange::payload).orElse(result.body());
    if (payload.length > 0) {
      record.contentDigest(WarcArchive.sha1(payload));
    }
    if (result.status().isEmpty()) {
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    int status = result.status().getAsInt();
    if (result.notModified() && url.lastVisit().isPresent()) {
      return new Processed(url, record.build(), List.of(), Optional.empty()); // a revisit: the page did not change
    }
    if (status >= 300 && status < 400 && result.error().isEmpty()) {
      return redirect(url, result, record);
    }
    Optional<ErrorKind> httpError = ErrorKind.fromHttpStatus(status);
    if (httpError.isPresent()) {
      if (result.error().isEmpty()) {
        record.error(httpError.get(), "HTTP " + status);
      }
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    boolean bodyUsable = result.error().isEmpty() || result.truncated();
    if (!bodyUsable || result.body().length == 0) {
      if (url.isSitemap() && result.error().isEmpty()) {
        record.error(ErrorKind.PARSE_ERROR, "not a sitemap: empty body");
      }
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    return url.isSitemap() ? readSitemap(url, result, record) : parsePage(url, result, record);
  }

  /**
   * A sitemap's record and what it lists: the in-scope pages (with their lastmod) or, for an index, sitemaps, all at
   * the depth of a seed. A body that is no sitemap is the record's PARSE_ERROR (unless it already has an error, a
   * cut at max-size); the host goes on either way.
   */
  private Processed readSitemap(CrawlUrl url, FetchResult result, CrawlRecord.Builder record) {
    SitemapReading reading = sitemaps.read(url.url(), result.contentType(), result.body());
    if (reading instanceof SitemapReading.Unreadable unreadable) {
      if (result.error().isEmpty()) {
        record.error(ErrorKind.PARSE_ERROR, "not a sitemap: " + unreadable.reason());
      }
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    SitemapReading.Read read = (SitemapReading.Read) reading;
    List<CrawlUrl> listed = new ArrayList<>(read.entries().size());
    if (read.isIndex()) {
      listed.addAll(sitemaps(read.entries().stream().map(SitemapReading.Entry::url).toList(),
          Optional.of(url.url())));
    } else {
      for (SitemapReading.Entry entry : read.entries()) {
        inScope(entry.url()).ifPresent(target -> listed.add(CrawlUrl.listed(target.href(), host(target), url.url(),
            entry.lastModified())));
      }
    }
    record.outlinks(read.entries().size())
        .sitemap(new CrawlRecord.Sitemap(Optional.of(read.type()), read.listed(), read.entries().size()));
    return new Processed(url, record.build(), listed, Optional.empty());
  }

  /** {@code url} normalised, when it is an http(s) URL in scope at the depth of a seed. */
  private Optional<WebUrl> inScope(String url) {
    return WebUrl.parse(url.strip())
        .filter(parsed -> parsed.scheme().equals("http") || parsed.scheme().equals("https"))
        .filter(parsed -> !parsed.host().isEmpty())
        .flatMap(normalizer::normalize)
        .filter(normalized -> scope.decide(normalized.href(), host(normalized), 0).isAccepted());
  }

  private static HostKey host(WebUrl url) {
    return HostKey.of(url.host(), url.port().orElse(-1));
  }

  private Processed parsePage(CrawlUrl url, FetchResult result, CrawlRecord.Builder record) {
    ParsedPage page;
    try {
      page = parsing.parse(result.body(), result.contentType(), url.url(), result.robotsTag());
    } catch (RuntimeException | StackOverflowError parserFailure) {
      LOG.warn("parser failed url={} error={}", url.url(), parserFailure.toString(), parserFailure);
      record.error(ErrorKind.PARSE_ERROR, oneLine(parserFailure));
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    page.title().ifPresent(record::title);
    page.simhash().ifPresent(record::simhash);
    page.text().ifPresent(record::text);
    record.outlinks(page.linksFound()).noindex(page.noindex()).nofollow(page.nofollow());
    // a refresh without delay is a client-side redirect: its target is handed on as a redirect, not a link
    Optional<PageLink> redirect = page.refresh().filter(refresh -> refresh.delaySeconds() == 0)
        .map(PageRefresh::target);
    List<CrawlUrl> outlinks = new ArrayList<>(page.links().size());
    int depth = url.depth() + 1;
    for (PageLink link : page.links()) {
      boolean redirectTarget = redirect.isPresent() && redirect.get().url().equals(link.url());
      if (!redirectTarget && scope.decide(link.url(), link.host(), depth).isAccepted()) {
        outlinks.add(CrawlUrl.discovered(link.url(), link.host(), url));
      }
    }
    if (redirect.isPresent()) {
      return handOn(url, redirect.get().url(), redirect.get().host(), record, outlinks);
    }
    return new Processed(url, record.build(), outlinks, Optional.empty());
  }

  private Processed redirect(CrawlUrl url, FetchResult result, CrawlRecord.Builder record) {
    if (result.location().isEmpty()) {
      record.error(ErrorKind.REDIRECT_INVALID, "HTTP " + result.status().getAsInt() + " without a Location");
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    String location = result.location().get();
    Optional<WebUrl> target = WebUrl.parse(url.url()).flatMap(base -> WebUrl.parse(location, base))
        .flatMap(normalizer::normalize);
    if (target.isEmpty()) {
      record.location(location).error(ErrorKind.REDIRECT_INVALID, "Location is not an http(s) URL: " + location);
      return new Processed(url, record.build(), List.of(), Optional.empty());
    }
    HostKey host = HostKey.of(target.get().host(), target.get().port().orElse(-1));
    return handOn(url, target.get().href(), host, record, List.of());
  }

  /**
   * Hands {@code url} on to the canonical {@code href} of an HTTP redirect or a meta refresh without delay, after
   * the checks every redirect gets (a loop, the number of hops, the scope); a failed check is the record's error.
   * {@code outlinks} are a refreshing page's other links, admitted either way.
   */
  private Processed handOn(CrawlUrl url, String href, HostKey host, CrawlRecord.Builder record,
      List<CrawlUrl> outlinks) {
    record.location(href);
    if (href.equals(url.url()) || url.redirects().contains(href)) {
      record.error(ErrorKind.REDIRECT_LOOP, "redirect back to " + href);
      return new Processed(url, record.build(), outlinks, Optional.empty());
    }
    if (url.redirects().size() + 1 > maxRedirects) {
      record.error(ErrorKind.TOO_MANY_REDIRECTS, "more than " + maxRedirects + " redirects");
      return new Processed(url, record.build(), outlinks, Optional.empty());
    }
    var decision = scope.decide(href, host, url.depth());
    if (decision instanceof spindle.core.ScopeDecision.Rejected rejected) {
      record.error(ErrorKind.REDIRECT_OUT_OF_SCOPE, "redirect to " + href + ": " + rejected.reason());
      return new Processed(url, record.build(), outlinks, Optional.empty());
    }
    return new Processed(url, record.build(), outlinks, Optional.of(url.redirectedTo(href, host)));
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getClass().getSimpleName()
        + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    message = message.replace('\n', ' ');
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }
}
