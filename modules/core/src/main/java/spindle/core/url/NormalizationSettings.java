package spindle.core.url;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import spindle.core.SettingsException;

/**
 * How {@link UrlNormalizer} canonicalises URLs beyond the fixed rules. Read once from {@code spindle.normalization},
 * whose keys and defaults are in this module's {@code reference.conf}.
 *
 * @param stripQueryParameters query parameters whose whole name matches one of these patterns are
 *     removed (for example {@code utm_.*} or {@code (?i)jsessionid}); path parameters such as
 *     {@code ;jsessionid=...} whose name matches are removed as well. An empty list keeps every parameter.
 */
public record NormalizationSettings(List<Pattern> stripQueryParameters) {
  /** The key of {@link #stripQueryParameters()}. */
  public static final String STRIP_QUERY_PARAMETERS = "spindle.normalization.strip-query-parameters";

  /** Copies the list, since settings are shared between threads; rejects null patterns. */
  public NormalizationSettings {
    stripQueryParameters = List.copyOf(stripQueryParameters);
  }

  /**
   * Settings that keep every query and path parameter.
   *
   * @return settings with no strip patterns
   */
  public static NormalizationSettings keepAllParameters() {
    return new NormalizationSettings(List.of());
  }

  /**
   * Reads {@code spindle.normalization} through {@code stringList}, which returns the list of strings at a full key
   * of a resolved configuration that includes the reference defaults: Typesafe Config's {@code root::getStringList}.
   * Core takes a function rather than a {@code Config} so that it stays plain Java (no library, no I/O); the caller's
   * function reports a missing key or a wrong type in its own way.
   *
   * @param stringList the string list at a full key
   * @return the settings
   * @throws SettingsException naming the key and the index ({@code spindle.normalization.strip-query-parameters[2]})
   *     of a pattern that is not a valid regular expression
   */
  public static NormalizationSettings fromConfig(Function<String, List<String>> stringList) {
    List<String> sources = stringList.apply(STRIP_QUERY_PARAMETERS);
    List<Pattern> patterns = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      try {
        patterns.add(Pattern.compile(sources.get(i)));
      } catch (PatternSyntaxException invalid) {
        throw new SettingsException(STRIP_QUERY_PARAMETERS + "[" + i + "]", "is not a valid regular expression: "
            + invalid.getDescription() + " in \"" + sources.get(i) + "\"");
      }
    }
    return new NormalizationSettings(patterns);
  }
}
