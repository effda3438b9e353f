package spindle.core.url;

import java.nio.charset.Charset;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An immutable URL parsed by the WHATWG URL Standard's basic URL parser, the way browsers parse links.
 *
 * <p>The URL is held as its serialization ({@link #href()}) plus the offsets of its components, so a
 * parse allocates little and the accessors cut substrings on demand. Equality is equality of {@code href}.
 *
 * <p>Hosts follow the standard's domain parser: an all-ASCII domain is only lowercased, even where an "xn--" label
 * is not valid Punycode ({@code http://xn--a.com/} parses, as in the standard since June 2026); in a domain with
 * non-ASCII characters every "xn--" label must decode to a valid label ({@code http://é.xn--a.com/} fails).
 *
 * <p>Known divergence from the standard: hosts that are not ASCII go through IDNA2003
 * ({@link java.net.IDN}) rather than UTS #46, so a few internationalised hosts are mapped or rejected
 * differently from a browser (newer Unicode characters, joiners U+200C/U+200D, non-ASCII labels longer
 * than 63 characters). The deviation characters ß and ς are kept as UTS #46 keeps them. Validation
 * errors that do not make parsing fail are not reported.
 */
public final class WebUrl {

  private final String href;
  private final String scheme;
  private final boolean special;
  private final boolean opaquePath;
  /** Index of the ':' that ends the scheme. */
  private final int schemeEnd;
  /** End of the username; equals {@code schemeEnd + 3} when there is a host but no username. */
  private final int usernameEnd;
  /** Start and end of the serialized host, or -1 for both when the URL has no host. */
  private final int hostStart;
  private final int hostEnd;
  /** End of the authority (after the port); {@code schemeEnd + 1} when there is no host. */
  private final int authorityEnd;
  /** The port, or -1 when absent or equal to the scheme's default port. */
  private final int port;
  /** Start of the path serialization, after the "/." that guards a path starting with "//". */
  private final int pathStart;
  /** Index of '?', or -1 when the query is null. */
  private final int queryStart;
  /** Index of '#', or -1 when the fragment is null. */
  private final int fragmentStart;

  WebUrl(String href, String scheme, boolean special, boolean opaquePath, int usernameEnd, int hostStart,
      int hostEnd, int authorityEnd, int port, int pathStart, int queryStart, int fragmentStart) {
    this.href = href;
    this.scheme = scheme;
    this.special = special;
    this.opaquePath = opaquePath;
    this.schemeEnd = scheme.length();
    this.usernameEnd = usernameEnd;
    this.hostStart = hostStart;
    this.hostEnd = hostEnd;
    this.authorityEnd = authorityEnd;
    this.port = port;
    this.pathStart = pathStart;
    this.queryStart = queryStart;
    this.fragmentStart = fragmentStart;
  }

  /**
   * Parses an absolute URL.
   *
   * @return the URL, or empty when the input is not a valid absolute URL (a relative reference such as
   *     {@code /a} is not); never throws for bad input
   */
  public static Optional<WebUrl> parse(String input) {
    Objects.requireNonNull(input, "input");
    return Optional.ofNullable(new UrlParser(input, null, null).parse());
  }

  /**
   * Parses a URL, resolving it against {@code base} when it is relative.
   *
   * @return the URL, or empty when the input does not parse against that base; never throws for bad input
   */
  public static Optional<WebUrl> parse(String input, WebUrl base) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(base, "base");
    return Optional.ofNullable(new UrlParser(input, base, null).parse());
  }

  /**
   * Parses a URL found in a document whose character encoding is {@code encoding}, resolving it against
   * {@code base} when it is relative, as HTML's "encoding-parse a URL" does: the query of an http(s), ftp or file
   * URL is percent-encoded from its bytes in that encoding ({@code ?q=ü} on a windows-1252 page is
   * {@code ?q=%FC}), and a character the encoding lacks is written {@code %26%23NNN%3B}, its {@code &#NNN;}
   * percent-encoded. Paths, fragments, ws/wss and other URLs stay UTF-8, as does everything when the encoding is
   * UTF-8 or UTF-16 (whose output encoding is UTF-8).
   *
   * @return the URL, or empty when the input does not parse against that base; never throws for bad input
   */
  public static Optional<WebUrl> parse(String input, WebUrl base, Charset encoding) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(encoding, "encoding");
    return Optional.ofNullable(new UrlParser(input, base, queryEncoding(encoding)).parse());
  }

  /** The encoding a query is written in, or null for UTF-8 ("get an output encoding" of the Encoding Standard). */
  private static Charset queryEncoding(Charset encoding) {
    String name = encoding.name();
    if (name.equals("UTF-8") || name.startsWith("UTF-16") || !encoding.canEncode()) {
      return null;
    }
    return encoding;
  }

  /**
   * Parses an absolute URL and says why it failed if it did.
   *
   * @return {@link ParseResult.Parsed} or a {@link ParseResult.Failed} naming the WHATWG validation error
   */
  public static ParseResult parseOrError(String input) {
    Objects.requireNonNull(input, "input");
    return new UrlParser(input, null, null).parseOrError();
  }

  /**
   * Parses a URL against {@code base} and says why it failed if it did.
   *
   * @return {@link ParseResult.Parsed} or a {@link ParseResult.Failed} naming the WHATWG validation error
   */
  public static ParseResult parseOrError(String input, WebUrl base) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(base, "base");
    return new UrlParser(input, base, null).parseOrError();
  }

  /**
   * Resolves a link found on the page at this URL, as {@code parse(reference, this)} does.
   *
   * @return the absolute URL, or empty when the reference does not parse (for instance {@code http://[}
   *     or any relative reference when this URL has an opaque path)
   */
  public Optional<WebUrl> resolve(String reference) {
    return parse(reference, this);
  }

  /**
   * The scheme in lowercase, without the trailing ':'.
   *
   * @return for example {@code https}; never empty
   */
  public String scheme() {
    return scheme;
  }

  /**
   * Whether the scheme is one of the standard's special schemes (http, https, ws, wss, ftp, file).
   *
   * @return true for special schemes, whose URLs always have a host and a path that starts with '/'
   */
  public boolean isSpecial() {
    return special;
  }

  /**
   * Whether the path is opaque, as in {@code mailto:a@b} or {@code javascript:void(0)}.
   *
   * @return true when the URL has no host and its path does not start with '/'; relative references
   *     cannot be resolved against such a URL, only fragments
   */
  public boolean hasOpaquePath() {
    return opaquePath;
  }

  /**
   * The percent-encoded username.
   *
   * @return the username, or "" when there is none
   */
  public String username() {
    return hostStart < 0 ? "" : href.substring(schemeEnd + 3, usernameEnd);
  }

  /**
   * The percent-encoded password.
   *
   * @return the password, or "" when there is none
   */
  public String password() {
    if (!hasCredentials() || href.charAt(usernameEnd) != ':') {
      return "";
    }
    return href.substring(usernameEnd + 1, hostStart - 1);
  }

  /**
   * Whether the host is present; {@code file:///x} has an empty host, {@code mailto:x} has none.
   *
   * @return true when the URL has a host, even an empty one
   */
  public boolean hasHost() {
    return hostStart >= 0;
  }

  /**
   * The serialized host: a lowercase ASCII domain, a dotted IPv4 address, a bracketed IPv6 address or
   * the opaque host of a non-special URL.
   *
   * @return the host, or "" when there is no host or the host is empty
   */
  public String host() {
    return hostStart < 0 ? "" : href.substring(hostStart, hostEnd);
  }

  /**
   * The port number given in the URL.
   *
   * @return the port, or empty when none was given or it equals the scheme's default port
   */
  public OptionalInt port() {
    return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }

  /**
   * The serialized path, as {@code URL.pathname} returns it.
   *
   * @return the path; {@code /} at least for special URLs, possibly "" for others
   */
  public String path() {
    return href.substring(pathStart, pathEnd());
  }

  /**
   * The percent-encoded query, without the leading '?'.
   *
   * @return the query, empty when there is no '?'; a present but empty query is ""
   */
  public Optional<String> query() {
    if (queryStart < 0) {
      return Optional.empty();
    }
    return Optional.of(href.substring(queryStart + 1, fragmentStart < 0 ? href.length() : fragmentStart));
  }

  /**
   * The percent-encoded fragment, without the leading '#'.
   *
   * @return the fragment, empty when there is no '#'; a present but empty fragment is ""
   */
  public Optional<String> fragment() {
    return fragmentStart < 0 ? Optional.empty() : Optional.of(href.substring(fragmentStart + 1));
  }

  /**
   * The full serialization of this URL.
   *
   * @return the href, always parseable again to an equal URL
   */
  public String href() {
    return href;
  }

  /**
   * The serialization without the fragment, which is what an HTTP request asks for.
   *
   * @return the href up to, not including, the '#'; the whole href when there is no fragment
   */
  public String hrefWithoutFragment() {
    return fragmentStart < 0 ? href : href.substring(0, fragmentStart);
  }

  /**
   * The same as {@link #href()}.
   *
   * @return the href
   */
  @Override
  public String toString() {
    return href;
  }

  /**
   * Compares serializations.
   *
   * @return true when the other object is a {@code WebUrl} with the same href; false for null
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof WebUrl that && href.equals(that.href);
  }

  /**
   * The hash code of the href.
   *
   * @return {@code href().hashCode()}
   */
  @Override
  public int hashCode() {
    return href.hashCode();
  }

  /** This URL without its fragment; this very instance when it has none. */
  WebUrl withoutFragment() {
    if (fragmentStart < 0) {
      return this;
    }
    return new WebUrl(href.substring(0, fragmentStart), scheme, special, opaquePath, usernameEnd, hostStart,
        hostEnd, authorityEnd, port, pathStart, queryStart, -1);
  }

  // Package-private views used by the parser when resolving against this URL as a base.

  String rawHref() {
    return href;
  }

  boolean hasCredentials() {
    return hostStart > schemeEnd + 3;
  }

  int usernameEnd() {
    return usernameEnd;
  }

  int hostStart() {
    return hostStart;
  }

  int hostEnd() {
    return hostEnd;
  }

  int authorityEnd() {
    return authorityEnd;
  }

  int rawPort() {
    return port;
  }

  int pathStart() {
    return pathStart;
  }

  int pathEnd() {
    if (queryStart >= 0) {
      return queryStart;
    }
    return fragmentStart >= 0 ? fragmentStart : href.length();
  }

  int queryStart() {
    return queryStart;
  }

  int queryEnd() {
    return fragmentStart >= 0 ? fragmentStart : href.length();
  }

  int fragmentStart() {
    return fragmentStart;
  }
}
