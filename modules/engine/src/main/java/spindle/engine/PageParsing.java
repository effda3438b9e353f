package spindle.engine;

import java.util.Optional;
import spindle.parse.ParsedPage;

/**
 * The parse step as the engine sees it: {@code spindle.parse.PageParser::parse} in production, a failing or
 * instrumented one in tests. May throw; the engine turns a throw into a PARSE_ERROR record.
 */
@FunctionalInterface
public interface PageParsing {
  /** Parses a body fetched from {@code url}. */
  ParsedPage parse(byte[] body, Optional<String> contentType, String url, Optional<String> robotsTag);
}
