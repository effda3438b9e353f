package spindle.fetch.address;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import spindle.core.SettingsException;

/**
 * How host names are resolved ({@code spindle.dns}): how long an answer is kept, and names pinned to addresses (as
 * curl's {@code --resolve} does). Read once; every key is documented in this module's {@code reference.conf}.
 *
 * @param cacheTtl how long a resolved name's addresses are used before it is resolved again; zero resolves every
 *     time (the JVM's own cache, {@code networkaddress.cache.ttl}, still applies below this one)
 * @param pins names (lowercase) answered with these addresses without any lookup, for the whole job
 */
public record DnsSettings(Duration cacheTtl, Map<String, List<InetAddress>> pins) {
  public DnsSettings {
    if (cacheTtl.isNegative()) {
      throw new SettingsException("spindle.dns.cache-ttl", "must not be negative, was " + cacheTtl);
    }
    Map<String, List<InetAddress>> copy = new LinkedHashMap<>();
    pins.forEach((name, addresses) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(addresses)));
    pins = Map.copyOf(copy);
  }

  /** No pins, answers kept {@code cacheTtl}. */
  public static DnsSettings caching(Duration cacheTtl) {
    return new DnsSettings(cacheTtl, Map.of());
  }

  /** Reads {@code spindle.dns} from a resolved configuration that includes the reference defaults. */
  public static DnsSettings fromConfig(Config root) {
    Config c = root.getConfig("spindle.dns");
    Map<String, List<InetAddress>> pins = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> pin : c.getObject("static").entrySet()) {
      String name = pin.getKey();
      String key = "spindle.dns.static." + ConfigUtil.quoteString(name);
      if (name.isBlank() || name.contains("/") || name.contains(" ")) {
        throw new SettingsException(key, "must be a host name");
      }
      pins.put(name, addresses(key, pin.getValue()));
    }
    return new DnsSettings(c.getDuration("cache-ttl"), pins);
  }

  /** The addresses of one pin: an IP address, or a non-empty list of them. */
  private static List<InetAddress> addresses(String key, ConfigValue value) {
    List<String> texts = new ArrayList<>();
    if (value.valueType() == ConfigValueType.LIST) {
      for (Object element : (List<?>) value.unwrapped()) {
        texts.add(String.valueOf(element));
      }
      if (texts.isEmpty()) {
        throw new SettingsException(key, "must name at least one IP address");
      }
    } else if (value.valueType() == ConfigValueType.STRING) {
      texts.add((String) value.unwrapped());
    } else {
      throw new SettingsException(key, "must be an IP address or a list of them, was " + value.render());
    }
    List<InetAddress> addresses = new ArrayList<>();
    for (String text : texts) {
      addresses.add(literal(key, text.trim()));
    }
    return addresses;
  }

  /** {@code text} as an IP literal, never looked up: anything else is refused. */
  static InetAddress literal(String key, String text) {
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean ipv4 = bare.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    boolean ipv6 = bare.contains(":") && bare.matches("[0-9A-Fa-f:.]+");
    if (ipv4 || ipv6) {
      try {
        return InetAddress.getByName(bare); // an IP literal: parsed, not looked up
      } catch (UnknownHostException invalid) {
        // falls through to the refusal
      }
    }
    throw new SettingsException(key, "must be an IP address (a pin names no other host), was \"" + text + "\"");
  }
}
