package spindle.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import spindle.core.SettingsException;

/** Readers for the config values Spindle allows beyond plain HOCON types: numbers that may be "unlimited". */
final class ConfigValues {
  static final String UNLIMITED = "unlimited";

  private ConfigValues() {}

  /** Whether {@code key} holds the word "unlimited". */
  static boolean isUnlimited(Config config, String key) {
    return config.getValue(key).valueType() == ConfigValueType.STRING
        && UNLIMITED.equals(config.getString(key).trim());
  }

  /** A whole number, or {@code whenUnlimited} for "unlimited"; {@code fullKey} names the key in errors. */
  static long longOrUnlimited(Config config, String key, String fullKey, long whenUnlimited) {
    if (isUnlimited(config, key)) {
      return whenUnlimited;
    }
    if (config.getValue(key).valueType() != ConfigValueType.NUMBER) {
      throw new SettingsException(fullKey, "must be a number or \"unlimited\", was "
          + config.getValue(key).render());
    }
    return config.getLong(key);
  }

  /** A number; {@code fullKey} names the key in errors. */
  static double number(Config config, String key, String fullKey) {
    if (config.getValue(key).valueType() != ConfigValueType.NUMBER) {
      throw new SettingsException(fullKey, "must be a number or \"unlimited\", was "
          + config.getValue(key).render());
    }
    return config.getDouble(key);
  }
}
