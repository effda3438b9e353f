package spindle.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import spindle.engine.HostControl;

/**
 * The body of {@code PATCH /api/jobs/{id}/hosts/{host}}: any of {@code delay} (a duration such as "2s", or
 * milliseconds), {@code concurrency}, {@code paused} and {@code blocked}.
 */
final class HostControlBody {
  private HostControlBody() {}

  /** The change a PATCH body asks for; IllegalArgumentException naming the field for a bad one. */
  static HostControl parse(JsonNode body) {
    if (!body.isObject()) {
      throw new IllegalArgumentException("expected a JSON object with any of delay, concurrency, paused, blocked");
    }
    Optional<Duration> delay = Optional.empty();
    Optional<Integer> concurrency = Optional.empty();
    Optional<Boolean> paused = Optional.empty();
    Optional<Boolean> blocked = Optional.empty();
    for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      switch (field.getKey()) {
        case "delay" -> delay = Optional.of(delay(value));
        case "concurrency" -> {
          if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException("concurrency: expected a whole number, was " + AdminRoutes.shorten(value.toString()));
          }
          concurrency = Optional.of(value.intValue());
        }
        case "paused" -> paused = Optional.of(bool("paused", value));
        case "blocked" -> blocked = Optional.of(bool("blocked", value));
        default -> throw new IllegalArgumentException("unknown field \"" + AdminRoutes.shorten(field.getKey())
            + "\" (expected any of delay, concurrency, paused, blocked)");
      }
    }
    try {
      return new HostControl(delay, concurrency, paused, blocked);
    } catch (IllegalArgumentException invalid) {
      throw new IllegalArgumentException(invalid.getMessage(), invalid);
    }
  }

  private static Duration delay(JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      if (value.longValue() < 0) {
        throw new IllegalArgumentException("delay: must not be negative, was " + value.longValue());
      }
      return Duration.ofMillis(value.longValue());
    }
    if (value.isTextual()) {
      try {
        Duration parsed = ConfigFactory.parseMap(Map.of("delay", value.asText())).getDuration("delay");
        if (parsed.isNegative()) {
          throw new IllegalArgumentException("delay: must not be negative, was " + AdminRoutes.shorten(value.asText()));
        }
        return parsed;
      } catch (ConfigException.BadValue notADuration) {
        throw new IllegalArgumentException("delay: \"" + AdminRoutes.shorten(value.asText()) + "\" is not a duration (e.g. "
            + "\"2s\", \"500ms\")");
      }
    }
    throw new IllegalArgumentException("delay: expected a duration such as \"2s\" or a number of milliseconds, was "
        + AdminRoutes.shorten(value.toString()));
  }

  private static boolean bool(String field, JsonNode value) {
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(field + ": expected true or false, was " + AdminRoutes.shorten(value.toString()));
    }
    return value.booleanValue();
  }
}
