package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.SettingsException;

/** The service's settings: defaults, validation, and no endpoint beyond loopback without a token. */
class AdminSettingsTest {
  private static AdminSettings settings(String host, Optional<String> token) {
    return new AdminSettings(host, 0, token, 1 << 20, 20, Path.of("data/service"), Duration.ofSeconds(5),
        Path.of("out"), Path.of("data"));
  }

  @Test
  void theDefaultsServeLoopbackOnPort8080WithoutAToken() {
    AdminSettings defaults = AdminSettings.fromConfig(ConfigFactory.defaultReference());
    assertEquals("127.0.0.1", defaults.host());
    assertEquals(8080, defaults.port());
    assertEquals(Optional.empty(), defaults.token());
    assertEquals(1 << 20, defaults.maxBodyBytes());
    assertEquals(20, defaults.metricsTopHosts());
    assertEquals(Path.of("data/service"), defaults.jobsDirectory());
    defaults.requireTokenBeyondLoopback();
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1", "127.0.1.5", "localhost", "::1"})
  void loopbackAddressesNeedNoToken(String host) {
    settings(host, Optional.empty()).requireTokenBeyondLoopback();
  }

  @ParameterizedTest
  @CsvSource({"0.0.0.0", "10.1.2.3", "::"})
  void otherAddressesNeedAToken(String host) {
    SettingsException refused = assertThrows(SettingsException.class,
        () -> settings(host, Optional.empty()).requireTokenBeyondLoopback());
    assertEquals("spindle.admin.host", refused.key());
    settings(host, Optional.of("s3cret")).requireTokenBeyondLoopback();
  }

  @Test
  void badValuesNameTheirKey() {
    assertEquals("spindle.admin.port", assertThrows(SettingsException.class, () -> new AdminSettings("127.0.0.1",
        70000, Optional.empty(), 1 << 20, 20, Path.of("x"), Duration.ofSeconds(1), Path.of("out"), Path.of("data"))).key());
    assertEquals("spindle.admin.token", assertThrows(SettingsException.class, () -> settings("127.0.0.1",
        Optional.of("with space"))).key());
    assertEquals("spindle.admin.metrics-top-hosts", assertThrows(SettingsException.class, () -> new AdminSettings(
        "127.0.0.1", 0, Optional.empty(), 1 << 20, -1, Path.of("x"), Duration.ofSeconds(1), Path.of("out"), Path.of("data"))).key());
    assertEquals("spindle.admin.ask-timeout", assertThrows(SettingsException.class, () -> new AdminSettings(
        "127.0.0.1", 0, Optional.empty(), 1 << 20, 1, Path.of("x"), Duration.ZERO, Path.of("out"), Path.of("data"))).key());
    assertEquals("spindle.admin.output-root", assertThrows(SettingsException.class, () -> new AdminSettings(
        "127.0.0.1", 0, Optional.empty(), 1 << 20, 1, Path.of("x"), Duration.ofSeconds(1), Path.of(""),
        Path.of("data"))).key());
  }
}
