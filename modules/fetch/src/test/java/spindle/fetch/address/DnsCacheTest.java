package spindle.fetch.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.SettingsException;

/** The job's resolver: pins answer without a lookup, answers are kept for the cache's TTL, failures are not kept. */
class DnsCacheTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final TestResolver upstream = new TestResolver().map("example.org", "93.184.216.34");

  private DnsCache cache(Duration ttl, Map<String, List<InetAddress>> pins) {
    return new DnsCache(new DnsSettings(ttl, pins), upstream, clock::get);
  }

  @Test
  void aSecondLookupWithinTheTtlDoesNotResolveAgain() throws Exception {
    DnsCache cache = cache(Duration.ofMinutes(5), Map.of());
    List<InetAddress> first = cache.resolve("example.org");
    clock.addAndGet(Duration.ofMinutes(5).minusNanos(1).toNanos());
    List<InetAddress> second = cache.resolve("EXAMPLE.org");
    assertEquals(first, second);
    assertEquals(1, upstream.lookups());
  }

  @Test
  void aLookupOnceTheTtlHasPassedResolvesAgain() throws Exception {
    DnsCache cache = cache(Duration.ofMinutes(5), Map.of());
    cache.resolve("example.org");
    clock.addAndGet(Duration.ofMinutes(5).toNanos());
    cache.resolve("example.org");
    assertEquals(2, upstream.lookups());
  }

  @Test
  void aZeroTtlResolvesEveryTime() throws Exception {
    DnsCache cache = cache(Duration.ZERO, Map.of());
    cache.resolve("example.org");
    cache.resolve("example.org");
    assertEquals(2, upstream.lookups());
  }

  @Test
  void aFailedLookupIsNotKeptSoARetryAsksAgain() {
    DnsCache cache = cache(Duration.ofMinutes(5), Map.of());
    assertThrows(UnknownHostException.class, () -> cache.resolve("nowhere.invalid"));
    assertThrows(UnknownHostException.class, () -> cache.resolve("nowhere.invalid"));
    assertEquals(2, upstream.lookups());
  }

  @Test
  void aPinnedNameIsAnsweredWithItsAddressesWithoutALookup() throws Exception {
    DnsCache cache = cache(Duration.ofMinutes(5), Map.of("a.test", List.of(AddressClassTest.literal("127.0.0.2"))));
    assertEquals(List.of(AddressClassTest.literal("127.0.0.2")), cache.resolve("A.test"));
    assertEquals(0, upstream.lookups());
  }

  @Test
  void aPinIsJudgedByThePolicyLikeAnyAnswer() throws Exception {
    DnsCache cache = cache(Duration.ofMinutes(5), Map.of("meta.test",
        List.of(AddressClassTest.literal("169.254.169.254"))));
    AddressPolicy policy = new AddressPolicy(true, java.util.Set.of());
    AddressBlockedException refused = assertThrows(AddressBlockedException.class,
        () -> policy.choose("meta.test", 80, cache));
    assertEquals("169.254.169.254 (meta.test) is the cloud metadata address, always refused", refused.getMessage());
  }

  @Test
  void pinsAreReadFromConfigurationAsOneAddressOrAList() throws Exception {
    DnsSettings settings = DnsSettings.fromConfig(ConfigFactory.parseString("""
        spindle.dns.cache-ttl = 1m
        spindle.dns.static { "a.test" = "127.0.0.2", "B.test" = ["127.0.0.3", "::1"] }
        """));
    assertEquals(Duration.ofMinutes(1), settings.cacheTtl());
    assertEquals(List.of(AddressClassTest.literal("127.0.0.2")), settings.pins().get("a.test"));
    assertEquals(List.of(AddressClassTest.literal("127.0.0.3"), AddressClassTest.literal("::1")),
        settings.pins().get("b.test"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "`spindle.dns.static { \"a.test\" = \"example.org\" }` | spindle.dns.static.\"a.test\": must be an IP address "
          + "(a pin names no other host), was \"example.org\"",
      "`spindle.dns.static { \"a.test\" = \"127.0.0.256\" }` | spindle.dns.static.\"a.test\": must be an IP address "
          + "(a pin names no other host), was \"127.0.0.256\"",
      "`spindle.dns.static { \"a.test\" = [] }` | spindle.dns.static.\"a.test\": must name at least one IP address",
      "`spindle.dns.static { \"a.test\" = 3 }` | spindle.dns.static.\"a.test\": must be an IP address or a list of "
          + "them, was 3",
      "`spindle.dns.cache-ttl = -1s` | spindle.dns.cache-ttl: must not be negative, was PT-1S",
  })
  void aBadSettingNamesItsKey(String hocon, String expected) {
    SettingsException problem = assertThrows(SettingsException.class, () -> DnsSettings.fromConfig(
        ConfigFactory.parseString(hocon).withFallback(ConfigFactory.parseString(
            "spindle.dns { cache-ttl = 5m, static = {} }"))));
    assertEquals(expected, problem.getMessage());
  }
}
