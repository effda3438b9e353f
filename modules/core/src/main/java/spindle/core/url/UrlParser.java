package spindle.core.url;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * One run of the WHATWG basic URL parser (without state override), used once and thrown away.
 *
 * <p>It writes the serialization straight into one {@link StringBuilder} as it goes, in the order the
 * serializer would: scheme, authority, path, query, fragment. The authority is written only when the
 * path starts, because the file states change the host after choosing it. Buffers of the standard
 * (userinfo, host, port) are ranges of the input, so no second builder is needed. A path segment is
 * written in place and removed again when it turns out to be "." or "..".
 */
final class UrlParser {

  private static final int EOF = -1;

  private static final int SCHEME_START = 0;
  private static final int SCHEME = 1;
  private static final int NO_SCHEME = 2;
  private static final int SPECIAL_RELATIVE_OR_AUTHORITY = 3;
  private static final int PATH_OR_AUTHORITY = 4;
  private static final int RELATIVE = 5;
  private static final int RELATIVE_SLASH = 6;
  private static final int SPECIAL_AUTHORITY_SLASHES = 7;
  private static final int SPECIAL_AUTHORITY_IGNORE_SLASHES = 8;
  private static final int AUTHORITY = 9;
  private static final int HOST = 10;
  private static final int PORT = 11;
  private static final int FILE = 12;
  private static final int FILE_SLASH = 13;
  private static final int FILE_HOST = 14;
  private static final int PATH_START = 15;
  private static final int PATH = 16;
  private static final int OPAQUE_PATH = 17;
  private static final int QUERY = 18;
  private static final int FRAGMENT = 19;

  private final String in;
  private final int length;
  private final WebUrl base;
  private final StringBuilder out;
  /** The document's encoding for queries of special URLs other than ws/wss, or null for UTF-8. */
  private final Charset queryEncoding;

  private String scheme;
  private boolean special;
  private String error;

  // The authority, held back until the path starts.
  private StringBuilder username;
  private StringBuilder password;
  private String host;
  private int port = -1;
  private boolean authorityFromBase;
  private boolean authorityWritten;

  // Offsets into out.
  private int usernameEnd;
  private int hostStart = -1;
  private int hostEnd = -1;
  private int authorityEnd;
  private int pathStart;
  private int queryStart = -1;
  private int fragmentStart = -1;
  private int segmentStart = -1;
  private boolean opaquePath;
  /** The base's query is the URL's query unless the input gives one or a path. */
  private boolean inheritQuery;

  UrlParser(String input, WebUrl base, Charset queryEncoding) {
    this.in = clean(input);
    this.length = in.length();
    this.base = base;
    this.queryEncoding = queryEncoding;
    this.out = new StringBuilder(length + (base == null ? 16 : base.rawHref().length()));
  }

  WebUrl parse() {
    return run() ? build() : null;
  }

  ParseResult parseOrError() {
    return run() ? new ParseResult.Parsed(build()) : new ParseResult.Failed(error);
  }

  /** Records why parsing failed; returns null so host parsing can {@code return fail(...)}. */
  String fail(String reason) {
    error = reason;
    return null;
  }

  /**
   * Trims leading and trailing C0 controls and spaces, removes tabs and newlines, and replaces lone
   * surrogates with U+FFFD (the input of the standard is a string of scalar values). Returns the input
   * itself when nothing changes, which is the usual case.
   */
  private static String clean(String input) {
    int start = 0;
    int end = input.length();
    while (start < end && input.charAt(start) <= 0x20) {
      start++;
    }
    while (end > start && input.charAt(end - 1) <= 0x20) {
      end--;
    }
    boolean dirty = false;
    for (int i = start; i < end && !dirty; i++) {
      char c = input.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        dirty = true;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(input.charAt(i + 1))) {
          i++;
        } else {
          dirty = true;
        }
      }
    }
    if (!dirty) {
      return start == 0 && end == input.length() ? input : input.substring(start, end);
    }
    StringBuilder cleaned = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = input.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(input.charAt(i + 1))) {
        cleaned.append(c).append(input.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        cleaned.append('\uFFFD');
      } else {
        cleaned.append(c);
      }
    }
    return cleaned.toString();
  }

  private boolean run() {
    int state = SCHEME_START;
    int bufferStart = 0;
    int portValue = 0;
    boolean atSignSeen = false;
    boolean insideBrackets = false;
    boolean passwordTokenSeen = false;
    for (int p = 0; ; p++) {
      int c = p < length ? in.charAt(p) : EOF;
      switch (state) {
        case SCHEME_START:
          state = isAsciiAlpha(c) ? SCHEME : NO_SCHEME;
          if (state == NO_SCHEME) {
            p--;
          }
          break;

        case SCHEME:
          if (isAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
            break;
          }
          if (c != ':') {
            state = NO_SCHEME;
            p = -1;
            break;
          }
          setScheme(schemeOf(in, p));
          if (scheme.equals("file")) {
            state = FILE;
          } else if (special && base != null && base.scheme().equals(scheme)) {
            state = SPECIAL_RELATIVE_OR_AUTHORITY;
          } else if (special) {
            state = SPECIAL_AUTHORITY_SLASHES;
          } else if (charAt(p + 1) == '/') {
            state = PATH_OR_AUTHORITY;
            p++;
          } else {
            opaquePath = true;
            writeAuthority();
            state = OPAQUE_PATH;
          }
          break;

        case NO_SCHEME:
          if (base == null || (base.hasOpaquePath() && c != '#')) {
            error = "missing-scheme-non-relative-URL: no scheme, and no base URL to resolve against";
            return false;
          }
          if (base.hasOpaquePath()) {
            copyOpaqueBase();
            startFragment();
            state = FRAGMENT;
          } else if (!base.scheme().equals("file")) {
            state = RELATIVE;
            p--;
          } else {
            state = FILE;
            p--;
          }
          break;

        case SPECIAL_RELATIVE_OR_AUTHORITY:
          if (c == '/' && charAt(p + 1) == '/') {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
            p++;
          } else {
            state = RELATIVE;
            p--;
          }
          break;

        case PATH_OR_AUTHORITY:
          if (c == '/') {
            state = AUTHORITY;
            bufferStart = p + 1;
          } else {
            state = PATH;
            p--;
          }
          break;

        case RELATIVE:
          setScheme(base.scheme());
          if (c == '/' || (special && c == '\\')) {
            state = RELATIVE_SLASH;
          } else {
            authorityFromBase = true;
            copyBasePath();
            inheritQuery = base.queryStart() >= 0;
            if (c == '?') {
              startQuery();
              state = QUERY;
            } else if (c == '#') {
              startFragment();
              state = FRAGMENT;
            } else if (c != EOF) {
              inheritQuery = false;
              shortenPath();
              state = PATH;
              p--;
            }
          }
          break;

        case RELATIVE_SLASH:
          if (special && (c == '/' || c == '\\')) {
            state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          } else if (c == '/') {
            state = AUTHORITY;
            bufferStart = p + 1;
          } else {
            authorityFromBase = true;
            state = PATH;
            p--;
          }
          break;

        case SPECIAL_AUTHORITY_SLASHES:
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          if (c == '/' && charAt(p + 1) == '/') {
            p++;
          } else {
            p--;
          }
          break;

        case SPECIAL_AUTHORITY_IGNORE_SLASHES:
          if (c != '/' && c != '\\') {
            state = AUTHORITY;
            bufferStart = p;
            p--;
          }
          break;

        case AUTHORITY:
          if (c == '@') {
            if (atSignSeen) {
              (passwordTokenSeen ? password() : username()).append("%40");
            }
            atSignSeen = true;
            for (int i = bufferStart; i < p; i++) {
              if (in.charAt(i) == ':' && !passwordTokenSeen) {
                passwordTokenSeen = true;
                continue;
              }
              PercentEncoding.append(passwordTokenSeen ? password() : username(), in, i,
                  PercentEncoding.USERINFO);
            }
            bufferStart = p + 1;
          } else if (endsAuthority(c)) {
            if (atSignSeen && bufferStart == p) {
              error = "host-missing: credentials are followed by an empty host";
              return false;
            }
            p = bufferStart - 1;
            state = HOST;
          }
          break;

        case HOST:
          if (c == ':' && !insideBrackets) {
            if (bufferStart == p) {
              error = "host-missing: a port without a host";
              return false;
            }
            host = HostParser.parse(in, bufferStart, p, special, this);
            if (host == null) {
              return false;
            }
            state = PORT;
            bufferStart = p + 1;
            portValue = 0;
          } else if (endsAuthority(c)) {
            if (special && bufferStart == p) {
              error = "host-missing: a special URL needs a host";
              return false;
            }
            host = HostParser.parse(in, bufferStart, p, special, this);
            if (host == null) {
              return false;
            }
            state = PATH_START;
            p--;
          } else if (c == '[') {
            insideBrackets = true;
          } else if (c == ']') {
            insideBrackets = false;
          }
          break;

        case PORT:
          if (c >= '0' && c <= '9') {
            portValue = Math.min(portValue * 10 + (c - '0'), 1 << 20);
          } else if (endsAuthority(c)) {
            if (p > bufferStart) {
              if (portValue > 0xFFFF) {
                error = "port-out-of-range: the port is above 65535";
                return false;
              }
              port = portValue == defaultPort(scheme) ? -1 : portValue;
            }
            state = PATH_START;
            p--;
          } else {
            error = "port-invalid: the port is not a number";
            return false;
          }
          break;

        case FILE:
          setScheme("file");
          host = "";
          if (c == '/' || c == '\\') {
            state = FILE_SLASH;
          } else if (base != null && base.scheme().equals("file")) {
            authorityFromBase = true;
            copyBasePath();
            inheritQuery = base.queryStart() >= 0;
            if (c == '?') {
              startQuery();
              state = QUERY;
            } else if (c == '#') {
              startFragment();
              state = FRAGMENT;
            } else if (c != EOF) {
              inheritQuery = false;
              if (!startsWithWindowsDriveLetter(p)) {
                shortenPath();
              } else {
                out.setLength(pathStart);
              }
              state = PATH;
              p--;
            }
          } else {
            state = PATH;
            p--;
          }
          break;

        case FILE_SLASH:
          if (c == '/' || c == '\\') {
            state = FILE_HOST;
            bufferStart = p + 1;
          } else {
            if (base != null && base.scheme().equals("file")) {
              authorityFromBase = true;
              if (!startsWithWindowsDriveLetter(p)) {
                appendBaseDriveLetter();
              }
            }
            state = PATH;
            p--;
          }
          break;

        case FILE_HOST:
          if (c == EOF || c == '/' || c == '\\' || c == '?' || c == '#') {
            if (p - bufferStart == 2 && isWindowsDriveLetter(in, bufferStart, false)) {
              // The drive letter quirk: the buffer becomes the first path segment, not the host.
              openSegment();
              out.append(in, bufferStart, p);
              state = PATH;
            } else if (bufferStart == p) {
              host = "";
              state = PATH_START;
            } else {
              host = HostParser.parse(in, bufferStart, p, true, this);
              if (host == null) {
                return false;
              }
              if (host.equals("localhost")) {
                host = "";
              }
              state = PATH_START;
            }
            p--;
          }
          break;

        case PATH_START:
          if (special) {
            state = PATH;
            if (c != '/' && c != '\\') {
              p--;
            }
          } else if (c == '?') {
            startQuery();
            state = QUERY;
          } else if (c == '#') {
            startFragment();
            state = FRAGMENT;
          } else if (c != EOF) {
            state = PATH;
            if (c != '/') {
              p--;
            }
          }
          break;

        case PATH: {
          boolean slash = c == '/' || (special && c == '\\');
          if (c == EOF || slash || c == '?' || c == '#') {
            if (segmentStart < 0) {
              openSegment();
            }
            closeSegment(slash);
            if (c == '?') {
              startQuery();
              state = QUERY;
            } else if (c == '#') {
              startFragment();
              state = FRAGMENT;
            }
          } else {
            if (segmentStart < 0) {
              openSegment();
            }
            p = appendRun(p, PercentEncoding.PATH, true);
          }
          break;
        }

        case OPAQUE_PATH:
          if (c == '?') {
            startQuery();
            state = QUERY;
          } else if (c == '#') {
            startFragment();
            state = FRAGMENT;
          } else if (c == ' ') {
            int next = charAt(p + 1);
            // A space right before '?' or '#' is encoded so that it cannot end the path.
            out.append(next == '?' || next == '#' ? "%20" : " ");
          } else if (c != EOF) {
            PercentEncoding.append(out, in, p, PercentEncoding.C0_CONTROL);
          }
          break;

        case QUERY:
          if (c == '#') {
            startFragment();
            state = FRAGMENT;
          } else if (c >= 0x80 && queryEncoding != null && special && !scheme.equals("ws") && !scheme.equals("wss")) {
            p = appendEncodedRun(p);
          } else if (c != EOF) {
            p = appendRun(p, special ? PercentEncoding.SPECIAL_QUERY : PercentEncoding.QUERY, false);
          }
          break;

        case FRAGMENT:
          if (c != EOF) {
            p = appendRun(p, PercentEncoding.FRAGMENT, false);
          }
          break;

        default:
          throw new IllegalStateException("unknown parser state " + state);
      }
      if (p >= length) {
        return true;
      }
    }
  }

  private WebUrl build() {
    writeAuthority();
    flushInheritedQuery();
    int pathEnd = queryStart >= 0 ? queryStart : fragmentStart >= 0 ? fragmentStart : out.length();
    if (hostStart < 0 && !opaquePath && pathEnd - pathStart > 1
        && out.charAt(pathStart) == '/' && out.charAt(pathStart + 1) == '/') {
      // Without the "/." a path starting with "//" would be read back as an authority.
      out.insert(pathStart, "/.");
      pathStart += 2;
      queryStart = queryStart >= 0 ? queryStart + 2 : -1;
      fragmentStart = fragmentStart >= 0 ? fragmentStart + 2 : -1;
    }
    return new WebUrl(out.toString(), scheme, special, opaquePath, usernameEnd, hostStart, hostEnd,
        authorityEnd, port, pathStart, queryStart, fragmentStart);
  }

  // Scheme

  private void setScheme(String newScheme) {
    scheme = newScheme;
    special = defaultPort(newScheme) != -1 || newScheme.equals("file");
    out.setLength(0);
    out.append(newScheme).append(':');
  }

  /** The lowercase scheme in[0, end), reusing the constant for common schemes. */
  private static String schemeOf(String in, int end) {
    switch (end) {
      case 2:
        if (in.regionMatches(true, 0, "ws", 0, 2)) {
          return "ws";
        }
        break;
      case 3:
        if (in.regionMatches(true, 0, "wss", 0, 3)) {
          return "wss";
        }
        if (in.regionMatches(true, 0, "ftp", 0, 3)) {
          return "ftp";
        }
        break;
      case 4:
        if (in.regionMatches(true, 0, "http", 0, 4)) {
          return "http";
        }
        if (in.regionMatches(true, 0, "file", 0, 4)) {
          return "file";
        }
        break;
      case 5:
        if (in.regionMatches(true, 0, "https", 0, 5)) {
          return "https";
        }
        break;
      default:
        break;
    }
    char[] lower = new char[end];
    for (int i = 0; i < end; i++) {
      char c = in.charAt(i);
      lower[i] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return new String(lower);
  }

  static int defaultPort(String scheme) {
    switch (scheme) {
      case "http":
      case "ws":
        return 80;
      case "https":
      case "wss":
        return 443;
      case "ftp":
        return 21;
      default:
        return -1;
    }
  }

  // Authority

  private boolean endsAuthority(int c) {
    return c == EOF || c == '/' || c == '?' || c == '#' || (special && c == '\\');
  }

  private StringBuilder username() {
    if (username == null) {
      username = new StringBuilder();
    }
    return username;
  }

  private StringBuilder password() {
    if (password == null) {
      password = new StringBuilder();
    }
    return password;
  }

  /** Writes "//" and the authority (or nothing when there is no host); runs once, when the path starts. */
  private void writeAuthority() {
    if (authorityWritten) {
      return;
    }
    authorityWritten = true;
    if (authorityFromBase) {
      // Same scheme as the base, so the base's offsets are valid in out as well.
      String baseHref = base.rawHref();
      out.append(baseHref, scheme.length() + 1, base.authorityEnd());
      usernameEnd = base.usernameEnd();
      hostStart = base.hostStart();
      hostEnd = base.hostEnd();
      port = base.rawPort();
    } else if (host != null) {
      out.append("//");
      boolean hasUsername = username != null && username.length() > 0;
      boolean hasPassword = password != null && password.length() > 0;
      if (hasUsername) {
        out.append(username);
      }
      usernameEnd = out.length();
      if (hasPassword) {
        out.append(':').append(password);
      }
      if (hasUsername || hasPassword) {
        out.append('@');
      }
      hostStart = out.length();
      out.append(host);
      hostEnd = out.length();
      if (port >= 0) {
        out.append(':').append(port);
      }
    }
    authorityEnd = out.length();
    pathStart = out.length();
  }

  // Path

  private void copyBasePath() {
    writeAuthority();
    out.append(base.rawHref(), base.pathStart(), base.pathEnd());
  }

  private void copyOpaqueBase() {
    String baseHref = base.rawHref();
    scheme = base.scheme();
    special = base.isSpecial();
    out.append(baseHref, 0, base.fragmentStart() >= 0 ? base.fragmentStart() : baseHref.length());
    opaquePath = true;
    authorityWritten = true;
    authorityEnd = scheme.length() + 1;
    pathStart = base.pathStart();
    queryStart = base.queryStart();
  }

  private void openSegment() {
    writeAuthority();
    out.append('/');
    segmentStart = out.length();
  }

  /** Ends the segment in out[segmentStart, end): drops "." and "..", and fixes "C|" to "C:" in file URLs. */
  private void closeSegment(boolean slash) {
    int start = segmentStart;
    segmentStart = -1;
    int segmentLength = out.length() - start;
    if (isDoubleDot(start, segmentLength)) {
      out.setLength(start - 1);
      shortenPath();
      if (!slash) {
        out.append('/');
      }
    } else if (isSingleDot(start, segmentLength)) {
      out.setLength(start - 1);
      if (!slash) {
        out.append('/');
      }
    } else if (segmentLength == 2 && start - 1 == pathStart && scheme.equals("file")
        && isWindowsDriveLetter(out, start, false)) {
      out.setCharAt(start + 1, ':');
    }
  }

  private boolean isSingleDot(int start, int segmentLength) {
    return segmentLength == 1 ? out.charAt(start) == '.' : segmentLength == 3 && isEncodedDot(start);
  }

  private boolean isDoubleDot(int start, int segmentLength) {
    switch (segmentLength) {
      case 2:
        return out.charAt(start) == '.' && out.charAt(start + 1) == '.';
      case 4:
        return (out.charAt(start) == '.' && isEncodedDot(start + 1))
            || (isEncodedDot(start) && out.charAt(start + 3) == '.');
      case 6:
        return isEncodedDot(start) && isEncodedDot(start + 3);
      default:
        return false;
    }
  }

  private boolean isEncodedDot(int at) {
    return out.charAt(at) == '%' && out.charAt(at + 1) == '2' && (out.charAt(at + 2) | 0x20) == 'e';
  }

  /** Removes the last path segment, except a lone normalized drive letter in a file URL. */
  private void shortenPath() {
    int end = out.length();
    int lastSlash = end - 1;
    while (lastSlash >= pathStart && out.charAt(lastSlash) != '/') {
      lastSlash--;
    }
    if (lastSlash < pathStart) {
      return;
    }
    if (lastSlash == pathStart && end - pathStart == 3 && scheme.equals("file")
        && isWindowsDriveLetter(out, pathStart + 1, true)) {
      return;
    }
    out.setLength(lastSlash);
  }

  /** For "file:x" against a file base on drive C:, keeps the base's "/C:" as the first segment. */
  private void appendBaseDriveLetter() {
    String baseHref = base.rawHref();
    int start = base.pathStart();
    int end = base.pathEnd();
    if (end - start >= 3 && baseHref.charAt(start) == '/' && (end - start == 3 || baseHref.charAt(start + 3) == '/')
        && isWindowsDriveLetter(baseHref, start + 1, true)) {
      writeAuthority();
      out.append(baseHref, start, start + 3);
    }
  }

  /** Whether in[p..] starts with a drive letter followed by the end or one of / \ ? #. */
  private boolean startsWithWindowsDriveLetter(int p) {
    if (length - p < 2 || !isWindowsDriveLetter(in, p, false)) {
      return false;
    }
    if (length - p == 2) {
      return true;
    }
    char third = in.charAt(p + 2);
    return third == '/' || third == '\\' || third == '?' || third == '#';
  }

  /** An ASCII letter then ':' (or '|' unless {@code normalized}) at {@code at}. */
  private static boolean isWindowsDriveLetter(CharSequence s, int at, boolean normalized) {
    char second = s.charAt(at + 1);
    return isAsciiAlpha(s.charAt(at)) && (second == ':' || (!normalized && second == '|'));
  }

  // Query and fragment

  /**
   * Appends in[p] percent-encoded with {@code set}, or, when it needs no encoding, the whole run of
   * characters from p that need none and cannot end the state: it stops at '#', and in a path segment at
   * '/' and, in special URLs, backslash ('?' is in the path set). Returns the index of the last character
   * consumed.
   */
  private int appendRun(int p, boolean[] set, boolean pathSegment) {
    int end = p;
    while (end < length) {
      char c = in.charAt(end);
      if (c >= 0x80 || set[c] || c == '#' || (pathSegment && (c == '/' || (special && c == '\\')))) {
        break;
      }
      end++;
    }
    if (end == p) {
      PercentEncoding.append(out, in, p, set);
      return p;
    }
    out.append(in, p, end);
    return end - 1;
  }

  /**
   * Appends the run of non-ASCII characters from p in the query encoding ("percent-encode after encoding"): each
   * byte that is ASCII and not in the special-query set as it is, others as %XX, and a character the encoding
   * cannot encode as "%26%23", its decimal code point and "%3B". ASCII characters encode to themselves in every
   * encoding a document can have, so only these runs need the encoder. Returns the index of the last character.
   */
  private int appendEncodedRun(int p) {
    int end = p;
    while (end < length && in.charAt(end) >= 0x80) {
      end++;
    }
    CharsetEncoder encoder = queryEncoding.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer chars = CharBuffer.wrap(in, p, end);
    ByteBuffer bytes = ByteBuffer.allocate((int) ((end - p) * encoder.maxBytesPerChar()) + 16);
    while (true) {
      CoderResult result = chars.hasRemaining() ? encoder.encode(chars, bytes, true) : CoderResult.UNDERFLOW;
      if (result.isError()) {
        appendBytes(bytes);
        int at = chars.position();
        out.append("%26%23").append(in.codePointAt(at)).append("%3B");
        chars.position(at + result.length());
      } else if (result.isOverflow()) {
        appendBytes(bytes);
      } else {
        encoder.flush(bytes); // a stateful encoding (ISO-2022-JP) goes back to ASCII
        appendBytes(bytes);
        return end - 1;
      }
    }
  }

  private void appendBytes(ByteBuffer bytes) {
    bytes.flip();
    while (bytes.hasRemaining()) {
      int b = bytes.get() & 0xFF;
      if (b < 0x80 && !PercentEncoding.SPECIAL_QUERY[b]) {
        out.append((char) b);
      } else {
        PercentEncoding.appendByte(out, b);
      }
    }
    bytes.clear();
  }

  private void startQuery() {
    writeAuthority();
    inheritQuery = false;
    queryStart = out.length();
    out.append('?');
  }

  private void flushInheritedQuery() {
    if (inheritQuery) {
      inheritQuery = false;
      queryStart = out.length();
      out.append(base.rawHref(), base.queryStart(), base.queryEnd());
    }
  }

  private void startFragment() {
    writeAuthority();
    flushInheritedQuery();
    fragmentStart = out.length();
    out.append('#');
  }

  private int charAt(int index) {
    return index < length ? in.charAt(index) : EOF;
  }

  private static boolean isAsciiAlpha(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
