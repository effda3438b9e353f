package spindle.parse;

/**
 * The content of a {@code <meta http-equiv="refresh">}, read as the HTML Standard's "shared declarative refresh
 * steps" read it: a delay in seconds (digits, with any fraction ignored), then optionally ';' or ',' and the URL,
 * itself optionally after {@code URL=} (any case, spaces around '=') and in quotes. {@code "0; url='/next'"},
 * {@code "5,URL = next.html"} and {@code "3 https://example.org/"} all name a target.
 *
 * @param delaySeconds the delay; a number too large for a long is read as {@link Long#MAX_VALUE}
 * @param url the URL string still to be parsed against the document's base, or null when the content names none
 *     (a refresh of the page itself)
 */
record MetaRefresh(long delaySeconds, String url) {

  /** The refresh that {@code content} declares, or null when it declares none (the steps "return"). */
  static MetaRefresh parse(String content) {
    int length = content.length();
    int position = skipWhitespace(content, 0);
    int digitsStart = position;
    long delay = 0;
    while (position < length && isDigit(content.charAt(position))) {
      int digit = content.charAt(position++) - '0';
      delay = delay > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : delay * 10 + digit;
    }
    if (position == digitsStart && (position == length || content.charAt(position) != '.')) {
      return null;
    }
    while (position < length && (isDigit(content.charAt(position)) || content.charAt(position) == '.')) {
      position++;
    }
    if (position < length) {
      char c = content.charAt(position);
      if (c != ';' && c != ',' && !isWhitespace(c)) {
        return null;
      }
      position = skipWhitespace(content, position);
      if (position < length && (content.charAt(position) == ';' || content.charAt(position) == ',')) {
        position++;
      }
      position = skipWhitespace(content, position);
    }
    if (position == length) {
      return new MetaRefresh(delay, null);
    }
    String url = content.substring(position);
    if (isLetter(content, position, 'u')) {
      // "URL" then '=': what follows is the URL; a word that only starts like it ("u-turn.html") is the URL itself
      if (!isLetter(content, position + 1, 'r') || !isLetter(content, position + 2, 'l')) {
        return new MetaRefresh(delay, url);
      }
      position = skipWhitespace(content, position + 3);
      if (position == length || content.charAt(position) != '=') {
        return new MetaRefresh(delay, url);
      }
      position = skipWhitespace(content, position + 1);
    }
    char quote = position < length ? content.charAt(position) : 0;
    if (quote == '\'' || quote == '"') {
      position++;
      int end = content.indexOf(quote, position);
      return new MetaRefresh(delay, content.substring(position, end < 0 ? length : end));
    }
    return new MetaRefresh(delay, content.substring(position));
  }

  private static boolean isLetter(String content, int at, char lower) {
    return at < content.length() && (content.charAt(at) | 0x20) == lower;
  }

  private static int skipWhitespace(String content, int position) {
    while (position < content.length() && isWhitespace(content.charAt(position))) {
      position++;
    }
    return position;
  }

  /** ASCII whitespace: tab, LF, FF, CR, space. */
  private static boolean isWhitespace(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
