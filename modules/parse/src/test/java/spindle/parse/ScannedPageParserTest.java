package spindle.parse;

import java.util.List;

/** Every test of {@link PageParserTest} again, on the path a crawl without text or SimHash takes: {@link TagScanner}. */
class ScannedPageParserTest extends PageParserTest {
  @Override
  PageParser parser() {
    return new PageParser(ParseSettings.defaults(), NORMALIZER, List.of("SpindleBot"), TextExtractor.Format.OFF,
        false);
  }
}
