package spindle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spindle.core.HostKey;
import spindle.fetch.address.HostResolver;

/** What one server is, for each kind of politeness key. */
class PolitenessKeysTest {
  /** Resolves the names of the table, and fails any other: no DNS is asked. */
  private static final HostResolver RESOLVER = new HostResolver() {
    private final Map<String, String> names = Map.of("a.test", "127.0.0.2", "b.test", "127.0.0.2",
        "six.test", "::1");

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      String address = names.get(host);
      if (address == null) {
        throw new UnknownHostException(host);
      }
      return List.of(InetAddress.getByName(address)); // a literal: parsed, not looked up
    }
  };

  @ParameterizedTest
  @CsvSource({
      "host,   a.test,              a.test",
      "host,   a.test:8080,         a.test:8080",
      "domain, www.example.com,     example.com",
      "domain, shop.example.com:81, example.com",
      "domain, www.bbc.co.uk,       bbc.co.uk",
      "domain, b.shop.test,         b.shop.test",
      "domain, 127.0.0.2:8080,      127.0.0.2",
      "ip,     a.test,              127.0.0.2",
      "ip,     b.test:8080,         127.0.0.2",
      "ip,     127.0.0.2:9,         127.0.0.2",
      "ip,     six.test,            [0:0:0:0:0:0:0:1]",
      "ip,     [::1]:8080,          [0:0:0:0:0:0:0:1]",
      "ip,     nowhere.invalid,     nowhere.invalid",
  })
  void aHostBelongsToTheServerOfItsKey(String key, String host, String server) {
    PolitenessKeys keys = new PolitenessKeys(PolitenessSettings.Key.valueOf(key.toUpperCase()), RESOLVER,
        Runnable::run);
    assertEquals(server, keys.keyOf(HostKey.parse(host)).toCompletableFuture().getNow(null)); // inline executor: already done
  }
}
