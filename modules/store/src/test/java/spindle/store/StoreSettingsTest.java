package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import spindle.core.SettingsException;

class StoreSettingsTest {
  private static final long MIB = 1 << 20;

  static Stream<Arguments> invalidSettings() {
    Duration minute = Duration.ofMinutes(1);
    return Stream.of(
        Arguments.of("block-cache-size", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB - 1, MIB, 2, MIB, false, minute, 1, 1024)),
        Arguments.of("write-buffer-size", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, 1024, 2, MIB, false, minute, 1, 1024)),
        Arguments.of("max-write-buffers", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, MIB, 1, MIB, false, minute, 1, 1024)),
        Arguments.of("max-write-buffers", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, MIB, 17, MIB, false, minute, 1, 1024)),
        Arguments.of("write-buffer-total-size", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, 2 * MIB, 2, MIB, false, minute, 1, 1024)),
        Arguments.of("lease-timeout", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, MIB, 2, MIB, false, Duration.ofMillis(999), 1, 1024)),
        Arguments.of("lease-timeout", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, MIB, 2, MIB, false, null, 1, 1024)),
        Arguments.of("background-jobs", (Supplier<StoreSettings>) () ->
            new StoreSettings(MIB, MIB, 2, MIB, false, minute, 0, 1024)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSettings")
  void aValueRocksDbCannotUseIsRejectedNamingItsKey(String key, Supplier<StoreSettings> settings) {
    SettingsException thrown = assertThrows(SettingsException.class, settings::get);
    assertEquals("spindle.store." + key, thrown.key());
  }

  @Test
  void theDefaultsBoundNativeMemoryToAbout64MiB() {
    StoreSettings defaults = StoreSettings.DEFAULTS;
    assertEquals(64 * MIB, defaults.blockCacheBytes() + defaults.writeBufferTotalBytes());
    assertEquals(true, defaults.withSyncWrites(true).syncWrites());
  }
}
