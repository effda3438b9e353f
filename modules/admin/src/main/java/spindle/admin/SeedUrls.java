package spindle.admin;

import java.util.Optional;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.url.UrlNormalizer;
import spindle.core.url.WebUrl;

/** Turns seed URLs added through the API into canonical crawl URLs, with the same rules as a job's seeds. */
final class SeedUrls {
  private SeedUrls() {}

  /**
   * The canonical seed for {@code text}, or empty when it is not an absolute http(s) URL. (The same steps as
   * {@code spindle.engine.Seeds}, which keeps its own package-private.)
   */
  static Optional<CrawlUrl> seed(String text, UrlNormalizer normalizer) {
    return WebUrl.parse(text.strip())
        .filter(url -> url.scheme().equals("http") || url.scheme().equals("https"))
        .filter(url -> !url.host().isEmpty())
        .flatMap(normalizer::normalize)
        .map(url -> CrawlUrl.seed(url.href(), HostKey.of(url.host(), url.port().orElse(-1))));
  }
}
