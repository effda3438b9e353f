package spindle.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.SettingsException;

/** The parse module reads its own section, {@code spindle.parse}, whose defaults ship in its own reference.conf. */
class ParseSettingsTest {
  private static ParseSettings read(String hocon) {
    Config root = ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    return ParseSettings.fromConfig(root);
  }

  @Test
  void theModulesReferenceConfHoldsTheDefaults() {
    // only parse and core are on this test's classpath: the defaults can come from no other module's file
    assertEquals(ParseSettings.defaults(), ParseSettings.fromConfig(ConfigFactory.defaultReference()));
  }

  @Test
  void everyKeyIsRead() {
    assertEquals(new ParseSettings(false, false, 12, 34), read("""
        spindle.parse { honour-nofollow = off, honour-meta-robots = off, max-links-per-page = 12
                        max-title-length = 34 }"""));
  }

  @ParameterizedTest
  @CsvSource({
      "max-links-per-page, -1, 'spindle.parse.max-links-per-page: must be 0 or more, was -1'",
      "max-title-length, -5, 'spindle.parse.max-title-length: must be 0 or more, was -5'",
  })
  void aValueOutOfRangeNamesTheFullKey(String key, int value, String message) {
    SettingsException thrown = assertThrows(SettingsException.class,
        () -> read("spindle.parse." + key + " = " + value));
    assertEquals("spindle.parse." + key, thrown.key());
    assertEquals(message, thrown.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeIsTypesafeConfigsErrorAboutTheKey() {
    ConfigException.WrongType thrown = assertThrows(ConfigException.WrongType.class,
        () -> read("spindle.parse.max-links-per-page = many"));
    assertTrue(thrown.getMessage().contains("max-links-per-page"), thrown.getMessage());
  }
}
