package spindle.parse;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a page yields: its title, the links to follow (canonical, deduplicated, {@code rel=nofollow} ones left out
 * when honoured), the number of distinct http(s) links it holds, and its robots directives.
 *
 * @param title the trimmed title, or empty
 * @param links links to follow, in document order; empty when the page says nofollow
 * @param linksFound distinct http(s) links on the page, nofollow ones included
 * @param noindex the page asked not to be indexed
 * @param nofollow the page asked that none of its links be followed
 * @param html whether the body was parsed as HTML at all
 * @param refresh the page's first valid meta refresh to another http(s) URL, reported even when the page says
 *     nofollow (whether to follow it is the caller's choice); its target is also among {@code links} when
 *     followable
 * @param simhash the {@link spindle.core.SimHash} of the page's text (all of it, navigation included), for near-duplicate
 *     detection; empty for a body that is not HTML
 * @param text the page's main content as Markdown or text, when asked for and found ({@link TextExtractor})
 */
public record ParsedPage(Optional<String> title, List<PageLink> links, int linksFound, boolean noindex,
    boolean nofollow, boolean html, Optional<PageRefresh> refresh, OptionalLong simhash, Optional<String> text) {
  public ParsedPage {
    links = List.copyOf(links); // copy: pages cross actor and stream boundaries
  }

  /** A page without its SimHash and text: what tests and callers that need neither build. */
  public ParsedPage(Optional<String> title, List<PageLink> links, int linksFound, boolean noindex, boolean nofollow,
      boolean html, Optional<PageRefresh> refresh) {
    this(title, links, linksFound, noindex, nofollow, html, refresh, OptionalLong.empty(), Optional.empty());
  }

  /** The result for a body that is not HTML (an image, a PDF): nothing extracted. */
  public static ParsedPage notHtml(boolean noindex, boolean nofollow) {
    return new ParsedPage(Optional.empty(), List.of(), 0, noindex, nofollow, false, Optional.empty());
  }
}
