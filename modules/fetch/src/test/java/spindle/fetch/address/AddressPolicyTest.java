package spindle.fetch.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.CrawlUrl;
import spindle.core.HostKey;
import spindle.core.SettingsException;
import spindle.fetch.FetchSettings;

/**
 * The address policy: what is always refused, what only a job seeded on private addresses may reach, the service's
 * own ports, and the decision a job takes from its seeds. Names are judged through a test resolver; nothing here
 * connects anywhere.
 */
class AddressPolicyTest {
  private static final AddressPolicy PUBLIC_JOB = new AddressPolicy(false, Set.of());
  private static final AddressPolicy PRIVATE_JOB = new AddressPolicy(true, Set.of());

  private static FetchSettings settings(String hocon) {
    return FetchSettings.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference())
        .resolve());
  }

  private static List<CrawlUrl> seeds(String... urls) {
    return Stream.of(urls).map(url -> CrawlUrl.seed(url, HostKey.of("unused", -1))).toList();
  }

  private static Optional<String> refusal(AddressPolicy policy, String host, String address, int port)
      throws Exception {
    return policy.refusal(host, AddressClassTest.literal(address), port);
  }

  @ParameterizedTest(name = "{1} as {0}: allowed to a public job {2}, to a private job {3}")
  @CsvSource({
      "93.184.216.34, 93.184.216.34, true, true",
      "127.0.0.1, 127.0.0.1, false, true",
      "localhost, 127.0.0.1, false, true",
      "intranet.test, 10.1.2.3, false, true",
      "cgnat.test, 100.64.0.9, false, true",
      "::1, ::1, false, true",
      "fd12::1, fd12::1, false, true",
      "169.254.169.254, 169.254.169.254, false, false",
      "meta.test, 169.254.169.254, false, false",
      "fe80::1, fe80::1, false, false",
      "fd00:ec2::254, fd00:ec2::254, false, false",
      "0.0.0.0, 0.0.0.0, false, false",
      "::, ::, false, false",
      "224.0.0.251, 224.0.0.251, false, false",
  })
  void allowsPrivateAddressesOnlyToAPrivateJobAndNeverTheAlwaysRefusedOnes(String host, String address,
      boolean publicJob, boolean privateJob) throws Exception {
    assertEquals(publicJob, refusal(PUBLIC_JOB, host, address, 80).isEmpty());
    assertEquals(privateJob, refusal(PRIVATE_JOB, host, address, 80).isEmpty());
  }

  @Test
  void aRefusalNamesTheAddressTheHostAndTheRule() throws Exception {
    assertEquals(Optional.of("169.254.169.254 is the cloud metadata address, always refused"),
        refusal(PRIVATE_JOB, "169.254.169.254", "169.254.169.254", 80));
    assertEquals(Optional.of("169.254.169.254 (meta.test) is the cloud metadata address, always refused"),
        refusal(PRIVATE_JOB, "meta.test", "169.254.169.254", 80));
    assertEquals(Optional.of("169.254.7.7 is link-local (169.254.0.0/16), always refused"),
        refusal(PRIVATE_JOB, "169.254.7.7", "169.254.7.7", 80));
    assertEquals(Optional.of("10.1.2.3 (intranet.test) is private (10.0.0.0/8), refused: the job's seeds are not on "
        + "private addresses and spindle.fetch.allow-private-addresses is off"),
        refusal(PUBLIC_JOB, "intranet.test", "10.1.2.3", 80));
    assertEquals(Optional.of("::1 is loopback (::1), refused: the job's seeds are not on private addresses and "
        + "spindle.fetch.allow-private-addresses is off"), refusal(PUBLIC_JOB, "::1", "::1", 80));
  }

  @Test
  void theServicesOwnPortsAreRefusedOnThisMachineEvenToAPrivateJob() throws Exception {
    AddressPolicy inService = new AddressPolicy(true, Set.of(8080, 8558));
    assertEquals(Optional.of("127.0.0.1 port 8080 is a port of this Spindle service (admin or cluster), always "
        + "refused"), refusal(inService, "127.0.0.1", "127.0.0.1", 8080));
    assertTrue(refusal(inService, "localhost", "127.0.1.1", 8558).isPresent(), "all of 127/8 is this machine");
    assertTrue(refusal(inService, "::1", "::1", 8080).isPresent());
    assertTrue(refusal(inService, "127.0.0.1", "127.0.0.1", 8081).isEmpty(), "another port of this machine");
    assertTrue(refusal(inService, "other.test", "10.9.9.9", 8080).isEmpty(), "the same port on another machine");
  }

  @Test
  void theServicesOwnPortsAreRefusedOnEveryAddressOfThisMachine() throws Exception {
    Optional<InetAddress> own = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
        .findFirst();
    org.junit.jupiter.api.Assumptions.assumeTrue(own.isPresent(), "this machine has no address but loopback");
    AddressPolicy inService = new AddressPolicy(true, Set.of(8080));
    assertEquals(own.get().getHostAddress() + " port 8080 is a port of this Spindle service (admin or cluster), "
        + "always refused", inService.refusal(own.get().getHostAddress(), own.get(), 8080).orElseThrow());
  }

  @Test
  void aJobSeededOnLoopbackMayReachPrivateAddresses() {
    assertTrue(AddressPolicy.forSeeds(settings(""), seeds("http://127.0.1.1:8971/"), new TestResolver())
        .privateAllowed());
    assertTrue(AddressPolicy.forSeeds(settings(""), seeds("http://intranet.test/"),
        new TestResolver().map("intranet.test", "192.168.0.10")).privateAllowed());
  }

  @Test
  void aJobSeededOnPublicAddressesMayNotUnlessConfigured() {
    TestResolver resolver = new TestResolver().map("public.test", "93.184.216.34");
    assertFalse(AddressPolicy.forSeeds(settings(""), seeds("http://public.test/"), resolver).privateAllowed());
    assertTrue(AddressPolicy.forSeeds(settings("spindle.fetch.allow-private-addresses = on"),
        seeds("http://public.test/"), resolver).privateAllowed());
  }

  @Test
  void oneSeedOnAPrivateAddressIsEnough() {
    TestResolver resolver = new TestResolver().map("public.test", "93.184.216.34").map("both.test", "93.184.216.35",
        "10.0.0.7");
    assertTrue(AddressPolicy.forSeeds(settings(""), seeds("http://public.test/", "http://127.0.0.1:9/"), resolver)
        .privateAllowed());
    assertTrue(AddressPolicy.forSeeds(settings(""), seeds("http://both.test/"), resolver).privateAllowed());
  }

  @Test
  void aJobWhoseEverySeedIsRefusedIsRefusedNamingTheSeedAndTheRule() {
    TestResolver resolver = new TestResolver().map("meta.test", "169.254.169.254");
    SettingsException refused = assertThrows(SettingsException.class, () -> AddressPolicy.forSeeds(settings(""),
        seeds("http://meta.test/latest/meta-data/", "http://[fe80::1]/"), resolver));
    assertEquals("spindle.job.seeds", refused.key());
    assertEquals("spindle.job.seeds: every seed is refused by the address policy (docs/security.md): "
        + "http://meta.test/latest/meta-data/: 169.254.169.254 (meta.test) is the cloud metadata address, always "
        + "refused (and 1 more seed hosts)", refused.getMessage());
  }

  @Test
  void aJobSeededOnlyAtTheServicesOwnPortIsRefused() {
    FetchSettings inService = settings("").withServicePorts(Set.of(8080));
    SettingsException refused = assertThrows(SettingsException.class, () -> AddressPolicy.forSeeds(inService,
        seeds("http://127.0.0.1:8080/api/jobs"), new TestResolver()));
    assertTrue(refused.getMessage().endsWith("http://127.0.0.1:8080/api/jobs: 127.0.0.1 port 8080 is a port of this "
        + "Spindle service (admin or cluster), always refused"), refused.getMessage());
  }

  @Test
  void aJobWithOneUsableSeedStartsAndTheRefusedSeedsAreLeftToTheirFetches() {
    TestResolver resolver = new TestResolver().map("meta.test", "169.254.169.254").map("public.test",
        "93.184.216.34");
    assertFalse(AddressPolicy.forSeeds(settings(""), seeds("http://meta.test/", "http://public.test/"), resolver)
        .privateAllowed());
    // a seed that does not resolve is not the policy's to refuse: its fetch says DNS_FAILURE
    assertFalse(AddressPolicy.forSeeds(settings(""), seeds("http://meta.test/", "http://nowhere.test/"), resolver)
        .privateAllowed());
  }

  @Test
  void resolvesEachSeedHostOnceAndAtMostTheCap() {
    TestResolver resolver = new TestResolver().map("public.test", "93.184.216.34");
    String[] many = new String[AddressPolicy.MAX_SEED_HOSTS + 50];
    for (int i = 0; i < many.length; i++) {
      many[i] = i < 10 ? "http://public.test/" + i : "http://public.test:" + (1000 + i) + "/";
    }
    AddressPolicy.forSeeds(settings(""), seeds(many), resolver);
    assertEquals(AddressPolicy.MAX_SEED_HOSTS, resolver.lookups());
  }

  @Test
  void aConnectionGoesToTheFirstAllowedAddressOfTheHost() throws Exception {
    TestResolver resolver = new TestResolver().map("mixed.test", "169.254.169.254", "127.0.0.1");
    assertEquals(new InetSocketAddress(AddressClassTest.literal("127.0.0.1"), 8000),
        PRIVATE_JOB.choose("mixed.test", 8000, resolver));
    AddressBlockedException refused = assertThrows(AddressBlockedException.class,
        () -> PUBLIC_JOB.choose("mixed.test", 8000, resolver));
    assertEquals("169.254.169.254 (mixed.test) is the cloud metadata address, always refused", refused.getMessage());
    assertThrows(java.net.UnknownHostException.class, () -> PUBLIC_JOB.choose("nowhere.test", 80, resolver));
  }

  @Test
  void anIpv6HostIsJudgedWithoutItsBrackets() throws Exception {
    AddressBlockedException refused = assertThrows(AddressBlockedException.class,
        () -> PRIVATE_JOB.choose("[fe80::1]", 80, new TestResolver()));
    assertEquals("fe80::1 is link-local (fe80::/10), always refused", refused.getMessage());
  }
}
