package spindle.core.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of the web-platform-tests file {@code urltestdata.json} through {@link WebUrl}.
 *
 * <p>Cases resolved against an http(s) base are the links a crawler meets, so each must pass or be
 * listed in {@code url-known-gaps.txt}; a listed case that passes fails the test so that the list stays
 * true. Other cases are counted and reported as skipped when they fail.
 */
class WebUrlConformanceTest {

  /** A copy of shared/conformance/url/urltestdata.json (WPT, BSD-3-Clause; see the README next to it). */
  private static final String DATA = "/conformance/url/urltestdata.json";
  private static final String GAPS = "/url-known-gaps.txt";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Outcome> outcomes;
  private static Map<String, String> knownGaps;

  /** One case of the file and what our parser made of it; {@code mismatch} is null when it passed. */
  private record Outcome(int number, String input, String base, boolean httpBase, String mismatch) {
    boolean passed() {
      return mismatch == null;
    }

    String displayName() {
      return "#" + number + " " + quote(input) + (base == null ? "" : " against " + quote(base));
    }
  }

  @BeforeAll
  static void runEveryCaseAndWriteTheSummary() throws IOException {
    JsonNode cases;
    try (java.io.InputStream in = WebUrlConformanceTest.class.getResourceAsStream(DATA)) {
      cases = JSON.readTree(in);
    }
    knownGaps = readKnownGaps();
    outcomes = new ArrayList<>();
    for (JsonNode node : cases) {
      if (node.isTextual()) {
        continue; // a comment
      }
      String input = node.get("input").asText();
      String base = node.get("base").isNull() ? null : node.get("base").asText();
      boolean httpBase = base != null && (base.startsWith("http:") || base.startsWith("https:"));
      outcomes.add(new Outcome(outcomes.size() + 1, input, base, httpBase, mismatch(node, input, base)));
    }
    String summary = summary();
    System.out.println(summary);
    Path target = testClassesDirectory().getParent();
    Files.writeString(target.resolve("url-conformance.txt"), summary + System.lineSeparator(),
        StandardCharsets.UTF_8);
  }

  @Test
  void theFileHoldsAllEightHundredNinetyOneCases() {
    assertEquals(891, outcomes.size());
  }

  @TestFactory
  Stream<DynamicTest> everyCaseWithAnHttpBaseMatchesTheStandardOrIsAListedGap() {
    return outcomes.stream().filter(Outcome::httpBase).map(outcome ->
        DynamicTest.dynamicTest(outcome.displayName(), () -> {
          String gap = knownGaps.get(outcome.input());
          if (gap == null && !outcome.passed()) {
            fail(outcome.mismatch());
          }
          if (gap != null && outcome.passed()) {
            fail("listed as a known gap (" + gap + ") but passes now: remove it from " + GAPS);
          }
        }));
  }

  @TestFactory
  Stream<DynamicTest> casesWithoutAnHttpBaseAreCountedAndSkippedWhenTheyFail() {
    return outcomes.stream().filter(outcome -> !outcome.httpBase()).map(outcome ->
        DynamicTest.dynamicTest(outcome.displayName(), () ->
            Assumptions.assumeTrue(outcome.passed(), outcome::mismatch)));
  }

  @Test
  void everyListedGapIsACaseWithAnHttpBase() {
    Set<String> httpInputs = outcomes.stream().filter(Outcome::httpBase).map(Outcome::input)
        .collect(Collectors.toSet());
    Set<String> stale = new TreeSet<>(knownGaps.keySet());
    stale.removeAll(httpInputs);
    assertTrue(stale.isEmpty(), "listed in " + GAPS + " but not an http(s)-base case: " + stale);
  }

  /** Compares our parse with the expected result; returns null when they agree. */
  private static String mismatch(JsonNode expected, String input, String base) {
    Optional<WebUrl> url;
    try {
      if (base == null) {
        url = WebUrl.parse(input);
      } else {
        url = WebUrl.parse(base).flatMap(parsedBase -> WebUrl.parse(input, parsedBase));
      }
    } catch (RuntimeException bug) {
      return "threw " + bug;
    }
    boolean mustFail = expected.path("failure").asBoolean(false);
    if (mustFail) {
      return url.map(u -> "expected failure, got " + quote(u.href())).orElse(null);
    }
    if (url.isEmpty()) {
      return "expected " + quote(expected.get("href").asText()) + ", got failure: "
          + (base == null ? WebUrl.parseOrError(input) : "(with base)");
    }
    Map<String, String> actual = components(url.get());
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> component : actual.entrySet()) {
      JsonNode want = expected.get(component.getKey());
      if (want != null && !want.asText().equals(component.getValue())) {
        differences.add(component.getKey() + ": expected " + quote(want.asText()) + ", got "
            + quote(component.getValue()));
      }
    }
    return differences.isEmpty() ? null : String.join("; ", differences);
  }

  /** The components as the JavaScript URL object's getters return them. */
  private static Map<String, String> components(WebUrl url) {
    Map<String, String> components = new LinkedHashMap<>();
    String port = url.port().isPresent() ? String.valueOf(url.port().getAsInt()) : "";
    components.put("href", url.href());
    components.put("protocol", url.scheme() + ":");
    components.put("username", url.username());
    components.put("password", url.password());
    components.put("host", url.host() + (port.isEmpty() ? "" : ":" + port));
    components.put("hostname", url.host());
    components.put("port", port);
    components.put("pathname", url.path());
    components.put("search", url.query().filter(q -> !q.isEmpty()).map(q -> "?" + q).orElse(""));
    components.put("hash", url.fragment().filter(f -> !f.isEmpty()).map(f -> "#" + f).orElse(""));
    return components;
  }

  private static String summary() {
    long all = outcomes.size();
    long allPassed = outcomes.stream().filter(Outcome::passed).count();
    List<Outcome> http = outcomes.stream().filter(Outcome::httpBase).toList();
    long httpPassed = http.stream().filter(Outcome::passed).count();
    long httpListed = http.stream().filter(o -> !o.passed() && knownGaps.containsKey(o.input())).count();
    long otherFailed = outcomes.stream().filter(o -> !o.httpBase() && !o.passed()).count();
    return String.format(java.util.Locale.ROOT,
        "WHATWG URL conformance: all cases %d/%d passed (%.1f%%); http(s)-base cases %d/%d passed (%.1f%%),"
            + " %d listed known gaps, %d unlisted failures; cases without an http(s) base failing: %d",
        allPassed, all, 100.0 * allPassed / all, httpPassed, http.size(), 100.0 * httpPassed / http.size(),
        httpListed, http.size() - httpPassed - httpListed, otherFailed);
  }

  /** Reads "reason "input"" lines; '#' starts a comment line. */
  private static Map<String, String> readKnownGaps() throws IOException {
    Map<String, String> gaps = new LinkedHashMap<>();
    try (InputStream stream = WebUrlConformanceTest.class.getResourceAsStream(GAPS)) {
      assertNotNull(stream, GAPS + " is missing from the test resources");
      for (String line : new String(stream.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int quote = trimmed.indexOf('"');
        assertTrue(quote > 0, "a gap line needs a reason and then the input as a JSON string: " + line);
        gaps.put(JSON.readValue(trimmed.substring(quote), String.class), trimmed.substring(0, quote).strip());
      }
    }
    return gaps;
  }

  private static Path testClassesDirectory() {
    try {
      return Paths.get(WebUrlConformanceTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException impossible) {
      throw new UncheckedIOException(new IOException(impossible));
    }
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }
}
