package spindle.admin;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import spindle.core.SettingsException;

/**
 * The service's settings ({@code spindle.admin}), read once at start.
 *
 * @param host the address the admin endpoint binds
 * @param port its port; 0 picks a free one
 * @param token the bearer token that mutating requests must carry, or empty for none
 * @param maxBodyBytes the largest request body accepted
 * @param metricsTopHosts hosts per job with their own series in {@code /metrics}; the rest are summed as "other"
 * @param jobsDirectory where submitted jobs and their last state are kept
 * @param askTimeout how long a request waits for an actor's answer before it gets 503
 * @param outputRoot the directory under which submitted jobs may write their outputs
 * @param storeRoot the directory under which submitted jobs may keep their stores
 */
public record AdminSettings(String host, int port, Optional<String> token, long maxBodyBytes, int metricsTopHosts,
    Path jobsDirectory, Duration askTimeout, Path outputRoot, Path storeRoot) {
  public AdminSettings {
    if (host.isBlank()) {
      throw new SettingsException("spindle.admin.host", "must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new SettingsException("spindle.admin.port", "must be between 0 and 65535, was " + port);
    }
    token.ifPresent(value -> {
      if (!value.matches("[\\x21-\\x7e]+")) {
        throw new SettingsException("spindle.admin.token", "must be printable ASCII without spaces");
      }
    });
    if (maxBodyBytes < 1024) {
      throw new SettingsException("spindle.admin.max-body-size", "must be at least 1KiB, was " + maxBodyBytes
          + " bytes");
    }
    if (metricsTopHosts < 0 || metricsTopHosts > 1000) {
      throw new SettingsException("spindle.admin.metrics-top-hosts", "must be between 0 and 1000, was "
          + metricsTopHosts);
    }
    if (askTimeout.isNegative() || askTimeout.isZero()) {
      throw new SettingsException("spindle.admin.ask-timeout", "must be positive, was " + askTimeout);
    }
    if (outputRoot.toString().isBlank()) {
      throw new SettingsException("spindle.admin.output-root", "must name a directory, was empty");
    }
    if (storeRoot.toString().isBlank()) {
      throw new SettingsException("spindle.admin.store-root", "must name a directory, was empty");
    }
  }

  /**
   * Reads {@code spindle.admin}. A bad value is a {@link SettingsException} naming the key; a wrong type is Typesafe
   * Config's {@code ConfigException}, whose message names the file, line and key.
   */
  public static AdminSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.admin");
    String token = c.getString("token").strip();
    return new AdminSettings(c.getString("host").strip(), c.getInt("port"),
        token.isEmpty() ? Optional.empty() : Optional.of(token), c.getBytes("max-body-size"),
        c.getInt("metrics-top-hosts"), Path.of(c.getString("jobs-dir")), c.getDuration("ask-timeout"),
        Path.of(c.getString("output-root")), Path.of(c.getString("store-root")));
  }

  /**
   * Throws {@link SettingsException} when the endpoint would be reachable from other machines without a token: a
   * host that is not a loopback address (or cannot be resolved) needs {@code spindle.admin.token}.
   */
  public void requireTokenBeyondLoopback() {
    if (token.isPresent()) {
      return;
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException unknown) {
      throw new SettingsException("spindle.admin.host", "cannot resolve \"" + host + "\"");
    }
    if (!loopback) {
      throw new SettingsException("spindle.admin.host", "\"" + host + "\" is not a loopback address: set "
          + "spindle.admin.token to serve the admin endpoint beyond this machine");
    }
  }
}
