package spindle.core.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlNormalizerTest {

  private static final UrlNormalizer KEEP_ALL = new UrlNormalizer(NormalizationSettings.keepAllParameters());
  private static final UrlNormalizer STRIP_TRACKING = new UrlNormalizer(new NormalizationSettings(List.of(
      Pattern.compile("utm_.*"), Pattern.compile("sessionid"), Pattern.compile("(?i)jsessionid"))));

  private static String canonical(UrlNormalizer normalizer, String input) {
    WebUrl url = WebUrl.parse(input).orElseThrow(() -> new AssertionError("does not parse: " + input));
    return normalizer.normalize(url).map(WebUrl::href).orElse("rejected");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ftp://example.com/file, ftp",
      "mailto:someone@example.org, mailto",
      "file:///etc/passwd, file",
      "javascript:alert(1), javascript",
      "ws://example.com/socket, ws",
      "'data:text/plain,hello', data",
  })
  void rejectsEverySchemeButHttpAndHttpsAndSaysWhich(String input, String scheme) {
    UrlNormalizer.Normalized result = KEEP_ALL.canonicalize(WebUrl.parse(input).orElseThrow());
    UrlNormalizer.Rejected rejected = assertInstanceOf(UrlNormalizer.Rejected.class, result);
    assertTrue(rejected.reason().contains("'" + scheme + "'"), rejected.reason());
    assertEquals(Optional.empty(), KEEP_ALL.normalize(WebUrl.parse(input).orElseThrow()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "HTTP://WWW.Example.COM/Path/File.HTML -> http://www.example.com/Path/File.HTML",
      "HttpS://EXAMPLE.com -> https://example.com/",
  })
  void lowercasesSchemeAndHostButNotThePath(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com:80/a -> http://example.com/a",
      "https://example.com:443/a -> https://example.com/a",
      "http://example.com:8080/a -> http://example.com:8080/a",
      "https://example.com:80/a -> https://example.com:80/a",
  })
  void dropsOnlyTheDefaultPortOfTheScheme(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/a/./b/../c -> http://example.com/a/c",
      "http://example.com/a/%2e%2E/b -> http://example.com/b",
      "http://example.com/../../x -> http://example.com/x",
      "http://example.com/a/b/.. -> http://example.com/a/",
  })
  void resolvesDotSegments(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/page#section -> http://example.com/page",
      "http://example.com/page?q=1# -> http://example.com/page?q=1",
  })
  void removesTheFragment(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/a%2fb -> http://example.com/a%2Fb",
      "http://example.com/caf%c3%a9 -> http://example.com/caf%C3%A9",
      "http://example.com/p?x=%3d%26 -> http://example.com/p?x=%3D%26",
      "http://example.com/100%25 -> http://example.com/100%25",
      "http://example.com/50%zz -> http://example.com/50%zz",
      "http://example.com/%2 -> http://example.com/%2",
  })
  void uppercasesTheHexDigitsOfEscapesAndLeavesBrokenEscapesAlone(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/%41%62%30 -> http://example.com/Ab0",
      "http://example.com/%7Euser -> http://example.com/~user",
      "http://example.com/%2D%2e%5F%7e -> http://example.com/-._~",
      "http://example.com/a%2eb -> http://example.com/a.b",
      "http://example.com/p?q=%41%20%7E -> http://example.com/p?q=A%20~",
      "http://example.com/%20%2F%3F -> http://example.com/%20%2F%3F",
  })
  void decodesEscapesOfUnreservedCharactersOnly(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com -> http://example.com/",
      "http://example.com?x=1 -> http://example.com/?x=1",
      "http://example.com/? -> http://example.com/",
      "http://example.com/p?#f -> http://example.com/p",
  })
  void givesAnEmptyPathASlashAndDropsAnEmptyQuery(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/?utm_source=news&id=3&utm_medium=mail -> http://example.com/?id=3",
      "http://example.com/?b=2&a=1&utm_x=1&c=3 -> http://example.com/?b=2&a=1&c=3",
      "http://example.com/p?utm_source=x -> http://example.com/p",
      "http://example.com/p?sessionid=abc&page=2 -> http://example.com/p?page=2",
      "http://example.com/p?sessionid -> http://example.com/p",
      "http://example.com/p?mysessionid=1 -> http://example.com/p?mysessionid=1",
      "http://example.com/p?x=utm_source -> http://example.com/p?x=utm_source",
      "http://example.com/p?utm%5Fsource=1&a=1 -> http://example.com/p?a=1",
      "http://example.com/p?JSESSIONID=1&a=%41 -> http://example.com/p?a=A",
      "http://example.com/p?a=1&&b=2& -> http://example.com/p?a=1&b=2",
      "http://example.com/p?a=1#utm_x=1 -> http://example.com/p?a=1",
  })
  void stripsQueryParametersWhoseWholeNameMatchesAndKeepsTheOthersInOrder(String input, String expected) {
    assertEquals(expected, canonical(STRIP_TRACKING, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/p;jsessionid=ABC123?x=1 -> http://example.com/p?x=1",
      "http://example.com/a;JSESSIONID=ABC/b -> http://example.com/a/b",
      "http://example.com/a;v=1;jsessionid=x;w=2 -> http://example.com/a;v=1;w=2",
      "http://example.com/a;jsessionid -> http://example.com/a;jsessionid",
      "http://example.com/x/..;jsessionid=1/y -> http://example.com/y",
  })
  void stripsMatchingPathParameters(String input, String expected) {
    assertEquals(expected, canonical(STRIP_TRACKING, input));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " -> ", value = {
      "http://example.com/?a=1&&b=2& -> http://example.com/?a=1&&b=2&",
      "http://example.com/p;jsessionid=1?utm_source=x -> http://example.com/p;jsessionid=1?utm_source=x",
  })
  void keepsEveryParameterWithoutStripPatterns(String input, String expected) {
    assertEquals(expected, canonical(KEEP_ALL, input));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " -> ", value = {
      "HTTP://Example.COM:80/a/%7e/./b%2f?utm_source=x&q=%41#frag",
      "http://example.com/x/..;jsessionid=1/y?a=1&&utm_b=2",
      "https://user:pw@EXAMPLE.com:443/caf%c3%a9?",
  })
  void normalisingACanonicalUrlChangesNothing(String input) {
    String once = canonical(STRIP_TRACKING, input);
    assertEquals(once, canonical(STRIP_TRACKING, once));
  }

  @Test
  void theCanonicalUrlKeepsConsistentComponentsWhenOnlyTheFragmentIsDropped() {
    WebUrl canonical = KEEP_ALL.normalize(WebUrl.parse("https://example.com:8443/p?q=1#frag").orElseThrow())
        .orElseThrow();
    assertEquals("https://example.com:8443/p?q=1", canonical.href());
    assertEquals("/p", canonical.path());
    assertEquals(Optional.of("q=1"), canonical.query());
    assertEquals(Optional.empty(), canonical.fragment());
    assertEquals(WebUrl.parse(canonical.href()).orElseThrow(), canonical);
  }

  @Test
  void fingerprintsEqualHrefsEquallyAndSeparateHundredThousandNearDuplicates() {
    assertEquals(UrlNormalizer.fingerprint("http://example.com/a"),
        UrlNormalizer.fingerprint(new String("http://example.com/a")));
    assertNotEquals(UrlNormalizer.fingerprint("http://example.com/a"), UrlNormalizer.fingerprint("http://example.com/b"));
    assertNotEquals(UrlNormalizer.fingerprint(""), UrlNormalizer.fingerprint("\u0000"));
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertTrue(seen.add(UrlNormalizer.fingerprint("http://example.com/page/" + i + ".html")), "collision at " + i);
    }
  }
}
