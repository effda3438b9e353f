package spindle.core.url;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link WebUrl#parseOrError(String)}: either the parsed URL or the reason parsing failed.
 */
public sealed interface ParseResult permits ParseResult.Parsed, ParseResult.Failed {

  /**
   * The parsed URL, or empty when parsing failed.
   */
  Optional<WebUrl> url();

  /**
   * A URL that parsed.
   *
   * @param value the parsed URL, never null
   */
  record Parsed(WebUrl value) implements ParseResult {
    /** Rejects a null URL: a successful parse always has one. */
    public Parsed {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Optional<WebUrl> url() {
      return Optional.of(value);
    }
  }

  /**
   * An input that did not parse.
   *
   * @param reason the WHATWG validation error that made parsing fail, such as {@code host-missing} or
   *     {@code port-out-of-range}, followed by a short explanation; never empty
   */
  record Failed(String reason) implements ParseResult {
    /** Rejects a null reason: every failure says why. */
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public Optional<WebUrl> url() {
      return Optional.empty();
    }
  }
}
