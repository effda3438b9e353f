package spindle.fetch.address;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import spindle.core.CrawlUrl;
import spindle.core.SettingsException;
import spindle.core.url.WebUrl;
import spindle.fetch.FetchSettings;

/**
 * Which addresses one job may connect to (docs/security.md). Always refused: the classes of
 * {@link AddressClass.Kind#ALWAYS_REFUSED} (link-local, cloud metadata, unspecified, multicast, reserved) and the
 * service's own ports on any address of this machine. Loopback and private addresses only when
 * {@code privateAllowed}: the job's seeds are on such addresses, or {@code spindle.fetch.allow-private-addresses}
 * is on. Everything else (public addresses) is allowed. Immutable and thread-safe.
 *
 * @param privateAllowed whether loopback and private addresses may be connected to
 * @param servicePorts the ports of the service the job runs in (admin, cluster), refused on this machine
 */
public record AddressPolicy(boolean privateAllowed, Set<Integer> servicePorts) {
  /** Seeds whose hosts are resolved at the start of a job; the others are judged only when fetched. */
  public static final int MAX_SEED_HOSTS = 100;

  public AddressPolicy {
    servicePorts = Set.copyOf(servicePorts);
  }

  /** The policy of {@code settings} alone, before any seed is known: private addresses only when configured. */
  public static AddressPolicy of(FetchSettings settings) {
    return new AddressPolicy(settings.allowPrivateAddresses(), settings.servicePorts());
  }

  /**
   * The policy of a job with {@code seeds}, decided once at its start: the hosts of the seeds (at most
   * {@link #MAX_SEED_HOSTS} of them) are resolved with {@code resolver}, and if any is on a loopback or private
   * address (that is not refused anyway), the job may connect to loopback and private addresses. Throws
   * {@link SettingsException} for {@code spindle.job.seeds}, naming a seed and the rule, when every seed is refused;
   * a seed that does not resolve is not refused here (its fetch gets {@code DNS_FAILURE}). May block on DNS.
   */
  public static AddressPolicy forSeeds(FetchSettings settings, List<CrawlUrl> seeds, HostResolver resolver) {
    AddressPolicy configured = of(settings);
    AddressPolicy withPrivate = new AddressPolicy(true, settings.servicePorts());
    boolean privateSeed = false;
    boolean usableSeed = false;
    String firstRefusal = null;
    int refusedSeeds = 0;
    Set<String> hostsResolved = new LinkedHashSet<>();
    for (CrawlUrl seed : seeds) {
      Optional<WebUrl> url = WebUrl.parse(seed.url());
      if (url.isEmpty() || !url.get().hasHost()) {
        usableSeed = true; // not for the policy to judge: the fetch reports it
        continue;
      }
      String host = unbracketed(url.get().host());
      int port = url.get().port().orElse(url.get().scheme().equals("https") ? 443 : 80);
      String key = host + " " + port;
      if (hostsResolved.contains(key)) {
        continue; // judged already: the same answer
      }
      if (hostsResolved.size() == MAX_SEED_HOSTS) {
        usableSeed = true; // not judged now: its fetches are
        break;
      }
      hostsResolved.add(key);
      List<InetAddress> addresses;
      try {
        addresses = resolver.resolve(host);
      } catch (UnknownHostException unresolved) {
        usableSeed = true;
        continue;
      }
      boolean usable = false;
      for (InetAddress address : addresses) {
        Optional<String> refusal = withPrivate.refusal(host, address, port);
        if (refusal.isEmpty()) {
          usable = true;
          privateSeed |= AddressClass.of(address).kind() == AddressClass.Kind.PRIVATE;
        } else if (firstRefusal == null) {
          firstRefusal = seed.url() + ": " + refusal.get();
        }
      }
      usableSeed |= usable;
      refusedSeeds += usable ? 0 : 1;
    }
    if (!seeds.isEmpty() && !usableSeed) {
      throw new SettingsException("spindle.job.seeds", "every seed is refused by the address policy "
          + "(docs/security.md): " + firstRefusal + (refusedSeeds > 1 ? " (and " + (refusedSeeds - 1)
          + " more seed hosts)" : ""));
    }
    return privateSeed && !configured.privateAllowed() ? withPrivate : configured;
  }

  /**
   * Why a connection to {@code address}:{@code port}, for the URL host {@code host}, is refused, or empty when it is
   * allowed. The reason names the address and the rule: {@code 169.254.169.254 is the cloud metadata address,
   * always refused}.
   */
  public Optional<String> refusal(String host, InetAddress address, int port) {
    AddressClass addressClass = AddressClass.of(address);
    String named = text(address) + (sameAddress(host, address) ? "" : " (" + host + ")");
    if (addressClass.kind() == AddressClass.Kind.ALWAYS_REFUSED) {
      return Optional.of(named + " is " + addressClass.rule() + ", always refused");
    }
    if (servicePorts.contains(port) && isThisMachine(address)) {
      return Optional.of(named + " port " + port + " is a port of this Spindle service (admin or cluster), always "
          + "refused");
    }
    if (addressClass.kind() == AddressClass.Kind.PRIVATE && !privateAllowed) {
      return Optional.of(named + " is " + addressClass.rule() + ", refused: the job's seeds are not on private "
          + "addresses and spindle.fetch.allow-private-addresses is off");
    }
    return Optional.empty();
  }

  /**
   * The address to connect to for {@code host}:{@code port}: the first of its addresses the policy allows (in the
   * resolver's order). Throws {@link AddressBlockedException} with the first refusal when none is allowed, and
   * {@link UnknownHostException} when the host does not resolve. May block on DNS.
   */
  public InetSocketAddress choose(String host, int port, HostResolver resolver)
      throws UnknownHostException, AddressBlockedException {
    String bare = unbracketed(host);
    List<InetAddress> addresses = resolver.resolve(bare);
    String firstRefusal = null;
    for (InetAddress address : addresses) {
      Optional<String> refusal = refusal(bare, address, port);
      if (refusal.isEmpty()) {
        return resolver.connectAddress(address, port);
      }
      if (firstRefusal == null) {
        firstRefusal = refusal.get();
      }
    }
    if (firstRefusal == null) {
      throw new UnknownHostException(bare + ": no address");
    }
    throw new AddressBlockedException(firstRefusal);
  }

  /** Whether {@code address} reaches this machine: loopback, unspecified, or an address of one of its interfaces. */
  private static boolean isThisMachine(InetAddress address) {
    InetAddress reached = AddressClass.effective(address);
    if (reached.isLoopbackAddress() || reached.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(reached) != null;
    } catch (SocketException unknown) {
      return false;
    }
  }

  private static boolean sameAddress(String host, InetAddress address) {
    return host.equalsIgnoreCase(text(address)) || host.equalsIgnoreCase(address.getHostAddress());
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The address as people write it: dotted IPv4, IPv6 with its longest run of zero groups shortened to ::. */
  static String text(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xff) << 8 | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not shortened (RFC 5952)
    for (int i = 0; i < 8; i++) {
      int length = 0;
      while (i + length < 8 && groups[i + length] == 0) {
        length++;
      }
      if (length > bestLength) {
        bestStart = i;
        bestLength = length;
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
