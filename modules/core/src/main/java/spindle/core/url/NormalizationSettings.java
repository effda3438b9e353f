package spindle.core.url;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How {@link UrlNormalizer} canonicalises URLs beyond the fixed rules.
 *
 * @param stripQueryParameters query parameters whose whole name matches one of these patterns are
 *     removed (for example {@code utm_.*} or {@code (?i)jsessionid}); path parameters such as
 *     {@code ;jsessionid=...} whose name matches are removed as well. An empty list keeps every parameter.
 */
public record NormalizationSettings(List<Pattern> stripQueryParameters) {

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
}
