package spindle.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Builds a job's configuration in the order that lets the most specific source win: command-line overrides, then
 * the job file, then the operator's {@code application.conf}, then Spindle's Pekko settings
 * ({@code spindle-pekko.conf}), then the modules' {@code reference.conf} defaults.
 * Every {@code spindle.*} key in the job file, the operator file and the overrides must exist in the reference:
 * a misspelt key stops the run with the file, line and key named, and the nearest real key suggested.
 */
final class JobConfigLoader {
  /** Keys under these prefixes are free-form (dispatcher settings, pinned names) and not checked against the reference. */
  private static final List<String> OPEN_PREFIXES = List.of("spindle.dispatchers.", "spindle.dns.static.");

  /** The defaults, unresolved: {@code spindle.store.dir = "data/"${spindle.job.name}} must see the job's name. */
  private final Config defaults;
  /** The same, resolved, to check keys against. */
  private final Config reference;

  JobConfigLoader() {
    this(ConfigFactory.defaultReferenceUnresolved());
  }

  JobConfigLoader(Config unresolvedDefaults) {
    this.defaults = unresolvedDefaults;
    this.reference = unresolvedDefaults.resolve();
  }

  /** The reference defaults the loader checks keys against. */
  Config reference() {
    return reference;
  }

  /**
   * The resolved configuration for a job.
   *
   * @param operatorFile the operator's defaults; skipped when it does not exist
   * @param jobFile the job file, if any
   * @param overrides {@code key=value} pairs from {@code --set}, later ones winning
   * @param flags values from other flags ({@code --seed}, {@code --out}), each with its flag as origin; a key that
   *     a {@code --set} also sets is refused, since the two would name two values for one setting
   */
  Config load(Optional<Path> operatorFile, Optional<Path> jobFile, List<String> overrides, Config flags) {
    Config operator = ConfigFactory.empty();
    if (operatorFile.isPresent() && Files.isRegularFile(operatorFile.get())) {
      operator = parseFile(operatorFile.get());
      checkKeys(operator, operatorFile.get().toString());
    }
    Config job = ConfigFactory.empty();
    if (jobFile.isPresent()) {
      Path file = jobFile.get();
      if (!Files.isRegularFile(file)) {
        throw new UsageException(file + ": no such job file");
      }
      if (!Files.isReadable(file)) {
        throw new UsageException(file + ": cannot read the job file");
      }
      job = parseFile(file);
      checkKeys(job, file.toString());
      if (!job.hasPath("spindle.job.name")) {
        String fileName = file.getFileName().toString();
        String name = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        if (name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
          job = job.withValue("spindle.job.name", ConfigValueFactory.fromAnyRef(name, "job file name"));
        }
      }
    }
    Config sets = ConfigFactory.empty();
    for (String override : overrides) {
      sets = parseOverride(override).withFallback(sets);
    }
    for (Map.Entry<String, ConfigValue> flag : flags.entrySet()) {
      boolean userFlag = flag.getValue().origin().description().startsWith("--");
      if (userFlag && sets.hasPathOrNull(flag.getKey())) {
        throw new UsageException(flag.getValue().origin().description() + " and --set " + flag.getKey() + " both "
            + "set " + flag.getKey() + " (" + flag.getValue().render() + " and " + sets.getValue(flag.getKey()).render()
            + "); give one of them");
      }
    }
    try {
      return sets.withFallback(flags).withFallback(job).withFallback(operator)
          .withFallback(pekkoSettings()).withFallback(defaults).resolve();
    } catch (ConfigException unresolved) {
      throw ConfigErrors.of(ConfigFactory.empty(), unresolved);
    }
  }

  /**
   * The operator's layer for the service: the operator's file (when it exists) under the {@code --set} overrides of
   * {@code spindle serve}, keys checked, unresolved. It configures the service and is the default of every job.
   */
  Config operatorLayer(Optional<Path> operatorFile, List<String> overrides) {
    Config operator = ConfigFactory.empty();
    if (operatorFile.isPresent() && Files.isRegularFile(operatorFile.get())) {
      operator = parseFile(operatorFile.get());
      checkKeys(operator, operatorFile.get().toString());
    }
    Config sets = ConfigFactory.empty();
    for (String override : overrides) {
      sets = parseOverride(override).withFallback(sets);
    }
    try {
      // the operator's ${?ENV} substitutions are resolved here, with the environment; jobs are resolved without it
      return sets.withFallback(operator).resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    } catch (ConfigException unresolved) {
      throw ConfigErrors.of(ConfigFactory.empty(), unresolved);
    }
  }

  /** The service's own configuration: {@code operatorLayer} over Spindle's Pekko settings and the defaults. */
  Config serviceConfig(Config operatorLayer) {
    try {
      return operatorLayer.withFallback(pekkoSettings()).withFallback(defaults).resolve();
    } catch (ConfigException unresolved) {
      throw ConfigErrors.of(ConfigFactory.empty(), unresolved);
    }
  }

  /**
   * Keys a job submitted to the service may not set: they configure the one actor system all jobs share, or widen
   * what the operator lets jobs reach (docs/security.md).
   */
  private static final List<String> SERVICE_PREFIXES = List.of("pekko.", "spindle.admin.", "spindle.dispatchers.",
      "spindle.fetch.allow-private-addresses");

  /**
   * A job submitted to the service, as text: parsed with {@code syntax}, its keys checked like a job file's (messages
   * name {@code job:LINE}), over {@code operatorLayer}. A job without {@code spindle.job.name} gets {@code name}.
   */
  Config loadJobText(Config operatorLayer, String text, ConfigSyntax syntax, Optional<String> name) {
    Config job = parseJobText(text, syntax);
    if (!job.hasPath("spindle.job.name") && name.isPresent()) {
      job = job.withValue("spindle.job.name", ConfigValueFactory.fromAnyRef(name.get(), "generated name"));
    }
    try {
      // no environment variables: a job's ${?SECRET} must not read the service's environment into a URL
      return job.withFallback(operatorLayer).withFallback(pekkoSettings()).withFallback(defaults)
          .resolve(ConfigResolveOptions.noSystem());
    } catch (ConfigException unresolved) {
      throw ConfigErrors.of(ConfigFactory.empty(), unresolved);
    }
  }

  /** The job text alone, parsed and checked; see {@link #loadJobText}. */
  Config parseJobText(String text, ConfigSyntax syntax) {
    Config job;
    try {
      // no includes: a job submitted over HTTP must not read the service's files
      job = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(syntax)
          .setOriginDescription(JOB_TEXT_ORIGIN).setIncluder(NoIncludes.INSTANCE));
    } catch (ConfigException invalid) {
      throw ConfigErrors.of(ConfigFactory.empty(), invalid);
    }
    for (Map.Entry<String, ConfigValue> entry : job.entrySet()) {
      String key = entry.getKey();
      if (SERVICE_PREFIXES.stream().anyMatch(key::startsWith)) {
        throw new UsageException(where(JOB_TEXT_ORIGIN, entry.getValue()) + key + ": a setting of the service, "
            + "not of a job (set it in application.conf or with serve --set)");
      }
    }
    checkKeys(job, JOB_TEXT_ORIGIN);
    return job;
  }

  /** The origin description of a job submitted as text, so messages read {@code job:3: ...}. */
  static final String JOB_TEXT_ORIGIN = "job";

  private static Config pekkoSettings() {
    return ConfigFactory.parseResources(JobConfigLoader.class.getClassLoader(), "spindle-pekko.conf");
  }

  private static Config parseFile(Path file) {
    try {
      return ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
    } catch (ConfigException invalid) {
      throw ConfigErrors.of(ConfigFactory.empty(), invalid);
    }
  }

  /** Parses one {@code --set key=value}; a value that is not valid HOCON is taken as a plain string. */
  Config parseOverride(String override) {
    int equals = override.indexOf('=');
    if (equals <= 0) {
      throw new UsageException("--set " + override + ": expected key=value");
    }
    String key = override.substring(0, equals).trim();
    String raw = override.substring(equals + 1).trim();
    String origin = "--set " + key;
    Config parsed;
    try {
      parsed = ConfigFactory.parseString("\"__value\" = " + raw, ConfigParseOptions.defaults().setOriginDescription(origin));
      ConfigValue value = parsed.getValue("__value");
      if (value.valueType() == ConfigValueType.STRING && !value.unwrapped().equals(raw) && !raw.startsWith("\"")) {
        value = ConfigValueFactory.fromAnyRef(raw, origin); // e.g. a URL, which HOCON would cut at "//"
      }
      parsed = ConfigFactory.empty().withValue(key, value);
    } catch (ConfigException notHocon) {
      parsed = ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(raw, origin));
    }
    checkKeys(parsed, "--set " + key);
    return parsed;
  }

  private void checkKeys(Config config, String source) {
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      String key = entry.getKey();
      if (!key.startsWith("spindle.") && !key.startsWith("pekko.")) {
        throw new UsageException(where(source, entry.getValue()) + key + ": unknown key (job keys start with "
            + "\"spindle.\")");
      }
      if (!key.startsWith("spindle.") || OPEN_PREFIXES.stream().anyMatch(key::startsWith)) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        throw new UsageException(where(source, entry.getValue()) + key + ": unknown key" + suggestion(key));
      }
      ConfigValue expected = reference.getValue(key);
      if (expected.valueType() == ConfigValueType.OBJECT) {
        throw new UsageException(where(source, entry.getValue()) + key + ": a section; set one of its keys");
      }
    }
  }

  private static String where(String source, ConfigValue value) {
    if (source.startsWith("--set")) {
      return "--set ";
    }
    int line = value.origin().lineNumber();
    return source + (line > 0 ? ":" + line : "") + ": ";
  }

  private String suggestion(String key) {
    TreeSet<String> known = new TreeSet<>();
    reference.getConfig("spindle").entrySet().forEach(entry -> known.add("spindle." + entry.getKey()));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(key, candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 6) ? " (did you mean " + best + "?)" : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * The operator's defaults file: {@code explicit} when given, else the launcher's {@code application.conf}
   * (passed as {@code -Dspindle.application-conf}), else none.
   */
  static Optional<Path> operatorFile(Path explicit) {
    if (explicit != null) {
      return Optional.of(explicit);
    }
    String launcherDefault = System.getProperty("spindle.application-conf");
    return launcherDefault == null ? Optional.empty() : Optional.of(Path.of(launcherDefault));
  }

  /**
   * A HOCON includer that refuses every {@code include}, also {@code file(...)}, {@code url(...)} and
   * {@code classpath(...)} (an includer without those interfaces falls back to Typesafe Config's own, which reads
   * them): job text comes from outside and must not read the service's files or make it fetch URLs.
   */
  private enum NoIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
    INSTANCE;

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      throw refused(what);
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, java.io.File what) {
      throw refused("file(" + what + ")");
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, java.net.URL what) {
      throw refused("url(" + what + ")");
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      throw refused("classpath(" + what + ")");
    }

    private static ConfigException refused(String what) {
      return new ConfigException.Generic(JOB_TEXT_ORIGIN + ": include " + what + ": a job submitted to the service "
          + "cannot include anything; put the keys in the job itself");
    }
  }
}
