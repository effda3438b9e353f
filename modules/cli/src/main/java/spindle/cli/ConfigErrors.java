package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import spindle.core.SettingsException;

/**
 * Turns what went wrong with a setting into the one line a user reads, in one format everywhere:
 * {@code FILE:LINE: full.key.path: problem}, where {@code FILE:LINE} says where the key was set (a job file and its
 * line, {@code job:LINE} for a job submitted to the service, {@code --set} or {@code --out} for a flag) and is left
 * out for a default.
 */
final class ConfigErrors {
  /** Typesafe Config's "origin: path has type X rather than Y". */
  private static final Pattern WRONG_TYPE = Pattern.compile("(\\S+) has type (\\w+) rather than (\\w+)");
  /** Typesafe Config's "origin: Invalid value at 'path': reason". */
  private static final Pattern BAD_VALUE = Pattern.compile("Invalid value at '([^']+)': (.*)");

  private ConfigErrors() {}

  /** Runs {@code reading}, turning a bad setting (ours or Typesafe Config's) into a usage error in the one format. */
  static <T> T reading(Config config, Supplier<T> reading) {
    try {
      return reading.get();
    } catch (SettingsException invalid) {
      throw at(config, invalid.key(), problemOf(invalid));
    } catch (ConfigException invalid) {
      throw of(config, invalid);
    }
  }

  /**
   * A usage error about {@code key}: where it was set, the key, and {@code problem}. A key set by a flag of its own
   * ({@code --out}, {@code --seed}) is named by the flag and its value instead: {@code --out notes.txt: problem}.
   */
  static UsageException at(Config config, String key, String problem) {
    if (setByFlag(config, key)) {
      String value = flagValue(config, key);
      String quoted = "\"" + value + "\" is ";
      return new UsageException(config.getValue(pathOf(key)).origin().description() + " "
          + (value.isEmpty() ? "''" : value) + ": "
          + (problem.startsWith(quoted) ? problem.substring(quoted.length()) : problem));
    }
    return new UsageException(where(config, key) + key + ": " + problem);
  }

  /** Whether {@code key} was set by a flag of its own ({@code --out}, {@code --seed}), not a file or {@code --set}. */
  static boolean setByFlag(Config config, String key) {
    String path = pathOf(key);
    if (!config.hasPath(path)) {
      return false;
    }
    ConfigOrigin origin = config.getValue(path).origin();
    return origin.filename() == null && origin.description().matches("--[a-z-]+");
  }

  private static String pathOf(String key) {
    return key.replaceAll("\\[\\d+]$", "");
  }

  /** Where {@code key} was set in {@code config} (see {@link #where(ConfigOrigin)}), or nothing for a default. */
  static String where(Config config, String key) {
    String path = pathOf(key);
    if (!config.hasPathOrNull(path)) {
      return "";
    }
    return where(config.getValue(path).origin());
  }

  /**
   * The prefix naming {@code origin}: {@code FILE:LINE: } for a file, {@code job:LINE: } for a job submitted to the
   * service, {@code --set } for a {@code --set} (the key follows), nothing for a default from a {@code reference.conf}.
   */
  static String where(ConfigOrigin origin) {
    int line = origin.lineNumber();
    if (origin.filename() != null) {
      if (origin.filename().endsWith("reference.conf")) {
        return "";
      }
      return origin.filename() + (line > 0 ? ":" + line : "") + ": ";
    }
    String description = origin.description();
    if (description.startsWith("--set")) {
      return "--set ";
    }
    if (description.startsWith("--")) {
      return description.replaceFirst("^(--[a-z-]+).*", "$1") + ": ";
    }
    if (description.startsWith(JobConfigLoader.JOB_TEXT_ORIGIN + ":")) {
      return JobConfigLoader.JOB_TEXT_ORIGIN + (line > 0 ? ":" + line : "") + ": ";
    }
    return "";
  }

  private static String flagValue(Config config, String key) {
    Matcher index = Pattern.compile("(.*)\\[(\\d+)]$").matcher(key);
    if (index.matches()) {
      List<String> values = config.getStringList(index.group(1));
      int at = Integer.parseInt(index.group(2));
      return at < values.size() ? values.get(at) : "";
    }
    Object value = config.getValue(key).unwrapped();
    return value instanceof List<?> values ? values.stream().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(", ")) : String.valueOf(value);
  }

  /**
   * A Typesafe Config error as one line: a wrong type or bad value names the whole key (Typesafe Config names the key
   * relative to the section a settings record read), a syntax error its file and line.
   */
  static UsageException of(Config config, ConfigException invalid) {
    String message = withoutOrigin(invalid);
    Matcher wrongType = WRONG_TYPE.matcher(message);
    Matcher badValue = BAD_VALUE.matcher(message);
    if (invalid instanceof ConfigException.WrongType && wrongType.lookingAt()) {
      String key = fullKey(config, invalid.origin(), wrongType.group(1));
      return new UsageException(where(invalid.origin()) + key + ": expected " + article(wrongType.group(3)) + ", was "
          + article(wrongType.group(2)) + valueOf(config, key));
    }
    if (invalid instanceof ConfigException.BadValue && badValue.lookingAt()) {
      String key = fullKey(config, invalid.origin(), badValue.group(1));
      return new UsageException(where(invalid.origin()) + key + ": " + lowerFirst(badValue.group(2)));
    }
    return new UsageException((invalid.origin() == null ? "" : where(invalid.origin())) + message);
  }

  private static String problemOf(SettingsException invalid) {
    String prefix = invalid.key() + ": ";
    String message = invalid.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static String withoutOrigin(ConfigException invalid) {
    String message = invalid.getMessage();
    if (invalid.origin() != null) {
      String prefix = invalid.origin().description() + ": ";
      if (message.startsWith(prefix)) {
        return message.substring(prefix.length());
      }
    }
    return message;
  }

  /** The key set at {@code origin} whose path ends with {@code shortPath}; {@code shortPath} when there is none. */
  private static String fullKey(Config config, ConfigOrigin origin, String shortPath) {
    if (origin == null) {
      return shortPath;
    }
    Optional<String> match = config.entrySet().stream()
        .filter(entry -> entry.getKey().equals(shortPath) || entry.getKey().endsWith("." + shortPath))
        .filter(entry -> sameOrigin(entry.getValue(), origin))
        .map(Map.Entry::getKey)
        .findFirst();
    return match.orElse(shortPath);
  }

  private static boolean sameOrigin(ConfigValue value, ConfigOrigin origin) {
    ConfigOrigin other = value.origin();
    return other.lineNumber() == origin.lineNumber() && java.util.Objects.equals(other.filename(), origin.filename())
        && java.util.Objects.equals(other.description(), origin.description());
  }

  private static String valueOf(Config config, String key) {
    if (!config.hasPath(key)) {
      return "";
    }
    String rendered = config.getValue(key).render().replaceAll("\\s+", " ");
    return " (" + (rendered.length() <= 60 ? rendered : rendered.substring(0, 60) + "...") + ")";
  }

  private static String article(String type) {
    String word = type.toLowerCase(Locale.ROOT);
    return switch (word) {
      case "object" -> "a section";
      case "list" -> "a list";
      case "number" -> "a number";
      case "boolean" -> "on or off";
      case "string" -> "a string";
      case "null" -> "null";
      default -> word;
    };
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() || (text.length() > 1 && Character.isUpperCase(text.charAt(1))) ? text
        : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
