package spindle.core.url;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import spindle.core.SettingsException;

/**
 * {@code spindle.normalization} lives with its code: its defaults in core's reference.conf, its reader in
 * {@link NormalizationSettings}. Typesafe Config is a test dependency only: core's main code stays plain Java.
 */
class NormalizationSettingsTest {
  private static List<String> sources(NormalizationSettings settings) {
    return settings.stripQueryParameters().stream().map(Pattern::pattern).toList();
  }

  @Test
  void coresReferenceConfHoldsTheDefaults() {
    // only core is on this test's classpath: the defaults can come from no other module's file
    Config reference = ConfigFactory.defaultReference();
    assertEquals(List.of("utm_[a-z_]+", "fbclid", "gclid", "(?i)jsessionid", "(?i)phpsessid"),
        sources(NormalizationSettings.fromConfig(reference::getStringList)));
  }

  @Test
  void theReaderAsksForTheFullKey() {
    Map<String, List<String>> values = Map.of("spindle.normalization.strip-query-parameters", List.of("sid", "ref"));
    assertEquals(List.of("sid", "ref"), sources(NormalizationSettings.fromConfig(values::get)));
  }

  @Test
  void anInvalidPatternNamesTheFullKeyAndItsIndex() {
    SettingsException thrown = assertThrows(SettingsException.class, () -> NormalizationSettings.fromConfig(
        key -> List.of("utm_.*", "(unclosed")));
    assertEquals("spindle.normalization.strip-query-parameters[1]", thrown.key());
    assertEquals("spindle.normalization.strip-query-parameters[1]: is not a valid regular expression: "
        + "Unclosed group in \"(unclosed\"", thrown.getMessage());
  }
}
