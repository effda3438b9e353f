package spindle.fetch;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import spindle.core.SettingsException;

/**
 * How Spindle fetches: the cap on requests in flight, timeouts, body size limit, the User-Agent it announces,
 * redirects, retries and the addresses it may connect to. Read once from {@code spindle.fetch}; every key is
 * documented in this module's {@code reference.conf}.
 *
 * @param allowPrivateAddresses {@code spindle.fetch.allow-private-addresses}: loopback and private addresses are
 *     allowed to every job, not only to jobs seeded on them
 * @param servicePorts the ports of the service a job runs in (admin, cluster), never connected to on this machine;
 *     not a key: the service passes them ({@link #withServicePorts}), a job cannot change them
 */
public record FetchSettings(
    int concurrency,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration totalTimeout,
    Duration idleTimeout,
    long maxBodyBytes,
    UserAgent userAgent,
    int maxRedirects,
    RetryPolicy retry,
    boolean keepAlive,
    boolean allowPrivateAddresses,
    Set<Integer> servicePorts) {

  /** The product token, version and contact URL sent in every User-Agent header and matched in robots.txt. */
  public record UserAgent(String product, String version, String contactUrl, List<String> robotsNames) {
    public UserAgent {
      if (product.isBlank() || !product.chars().allMatch(c -> c > 32 && c < 127 && c != '/' && c != '(')) {
        throw new SettingsException("spindle.fetch.user-agent.product",
            "must be a single token of visible ASCII without '/' or '(', was \"" + product + "\"");
      }
      robotsNames = List.copyOf(robotsNames.isEmpty() ? List.of(product) : robotsNames);
    }

    /** The header value, e.g. {@code SpindleBot/0.1 (+https://example.org/bot)}. */
    public String header() {
      String token = version.isBlank() ? product : product + "/" + version;
      return contactUrl.isBlank() ? token : token + " (+" + contactUrl + ")";
    }
  }

  public FetchSettings {
    if (concurrency < 1) {
      throw new SettingsException("spindle.fetch.concurrency", "must be at least 1, was " + concurrency);
    }
    requirePositive("spindle.fetch.connect-timeout", connectTimeout);
    requirePositive("spindle.fetch.response-timeout", responseTimeout);
    requirePositive("spindle.fetch.total-timeout", totalTimeout);
    requirePositive("spindle.fetch.idle-timeout", idleTimeout);
    if (maxBodyBytes < 1) {
      throw new SettingsException("spindle.fetch.max-body-size", "must be at least 1 byte, was " + maxBodyBytes);
    }
    if (maxRedirects < 0) {
      throw new SettingsException("spindle.fetch.max-redirects", "must be 0 or more, was " + maxRedirects);
    }
    servicePorts = Set.copyOf(servicePorts);
  }

  /** These settings for a job of a service listening on {@code ports}, which the job may never connect to. */
  public FetchSettings withServicePorts(Set<Integer> ports) {
    return new FetchSettings(concurrency, connectTimeout, responseTimeout, totalTimeout, idleTimeout, maxBodyBytes,
        userAgent, maxRedirects, retry, keepAlive, allowPrivateAddresses, ports);
  }

  /** Reads {@code spindle.fetch} from a resolved configuration that includes the reference defaults. */
  public static FetchSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.fetch");
    Config agent = c.getConfig("user-agent");
    Config retry = c.getConfig("retry");
    return new FetchSettings(
        c.getInt("concurrency"),
        c.getDuration("connect-timeout"),
        c.getDuration("response-timeout"),
        c.getDuration("total-timeout"),
        c.getDuration("idle-timeout"),
        c.getBytes("max-body-size"),
        new UserAgent(agent.getString("product"), agent.getString("version"), agent.getString("contact-url"),
            agent.getStringList("robots-names")),
        c.getInt("max-redirects"),
        new RetryPolicy(retry.getInt("max-retries"), retry.getDuration("base-backoff"),
            retry.getDuration("max-backoff"), retry.getDuration("max-retry-after")),
        c.getBoolean("keep-alive"),
        c.getBoolean("allow-private-addresses"),
        Set.of());
  }

  static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new SettingsException(key, "must be longer than 0, was " + value);
    }
  }
}
