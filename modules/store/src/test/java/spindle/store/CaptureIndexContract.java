package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import spindle.core.SimHash;
import spindle.store.CaptureIndex.PageFingerprint;
import spindle.store.warc.WarcArchive;
import spindle.store.warc.WarcPosition;

/** What every {@link CaptureIndex} does, whichever store keeps it. */
abstract class CaptureIndexContract {
  /** A new, empty index. */
  abstract CaptureIndex create();

  static final String ARTICLE = text(new SplittableRandom(7), 900);

  static String text(SplittableRandom random, int words) {
    String[] vocabulary = ("harbour market station library museum bridge valley forest meadow orchard lantern compass "
        + "ledger archive signal engine kettle spindle thread loom weaver basket timber copper silver granite marble "
        + "cedar willow maple harvest winter summer autumn spring morning evening journey letter report").split(" ");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < words; i++) {
      text.append(vocabulary[random.nextInt(vocabulary.length)]).append(i % 12 == 11 ? ". " : " ");
    }
    return text.toString();
  }

  private static WarcArchive.Original original(String url, int record) {
    return new WarcArchive.Original(URI.create("urn:uuid:00000000-0000-0000-0000-00000000000" + record), url,
        Instant.parse("2026-12-06T10:15:30.123456789Z"));
  }

  @Test
  void anEmptyIndexStandsAtTheStartAndKnowsNoPayload() {
    CaptureIndex index = create();
    assertEquals(WarcPosition.START, index.warcPosition());
    assertEquals(Map.of(), index.originals(List.of("sha1:AAAA", "sha1:BBBB")));
  }

  @Test
  void aCommitKeepsThePositionAndTheFirstCaptureOfEachPayload() {
    CaptureIndex index = create();
    WarcPosition first = new WarcPosition("job-20261206101530000-00001.warc.gz", 4096, 300);
    index.commitArchive(first, Map.of("sha1:AAAA", original("http://a.example/", 1)));
    assertEquals(first, index.warcPosition());

    WarcPosition second = new WarcPosition("job-20261206101530000-00001.warc.gz", 9000, 600);
    index.commitArchive(second, Map.of("sha1:AAAA", original("http://b.example/", 2),
        "sha1:BBBB", original("http://b.example/other", 3)));
    assertEquals(second, index.warcPosition());
    assertEquals(Map.of("sha1:AAAA", original("http://a.example/", 1), "sha1:BBBB",
        original("http://b.example/other", 3)), index.originals(List.of("sha1:AAAA", "sha1:BBBB", "sha1:CCCC")));
  }

  @Test
  void aNearCopyIsMarkedWithTheEarlierPageAndAnUnrelatedPageIsNot() {
    CaptureIndex index = create();
    String nearCopy = ARTICLE.replaceFirst("harbour", "lighthouse").replaceFirst("copper", "iron")
        .replaceFirst("winter", "midwinter");
    assertTrue(SimHash.distance(SimHash.of(ARTICLE), SimHash.of(nearCopy)) <= SimHash.NEAR);
    String unrelated = text(new SplittableRandom(99), 900);

    assertEquals(List.of(Optional.empty()), index.nearDuplicates(List.of(
        new PageFingerprint("http://a.example/article", SimHash.of(ARTICLE)))));
    assertEquals(List.of(Optional.of("http://a.example/article"), Optional.empty()), index.nearDuplicates(List.of(
        new PageFingerprint("http://b.example/copy", SimHash.of(nearCopy)),
        new PageFingerprint("http://c.example/other", SimHash.of(unrelated)))));
  }

  @Test
  void pagesEarlierInTheSameCallCountAndCopiesPointToTheFirst() {
    CaptureIndex index = create();
    long article = SimHash.of(ARTICLE);
    assertEquals(List.of(Optional.empty(), Optional.of("http://a.example/"), Optional.of("http://a.example/")),
        index.nearDuplicates(List.of(new PageFingerprint("http://a.example/", article),
            new PageFingerprint("http://b.example/", article), new PageFingerprint("http://c.example/", article))));
  }

  @Test
  void aPageNeverMatchesItselfNorDoesAPageWithoutWords() {
    CaptureIndex index = create();
    long article = SimHash.of(ARTICLE);
    index.nearDuplicates(List.of(new PageFingerprint("http://a.example/", article),
        new PageFingerprint("http://a.example/empty", 0)));
    assertEquals(List.of(Optional.empty(), Optional.empty()), index.nearDuplicates(List.of(
        new PageFingerprint("http://a.example/", article), // fetched again after a kill
        new PageFingerprint("http://b.example/empty", 0))));
  }

  @Test
  void eachBandValueKeepsOnlyItsMostRecentPages() {
    CaptureIndex index = create();
    // pages that share their lowest 16 bits and differ in every other band: filed under one band value only
    long shared = 0x1234L;
    for (int page = 0; page <= SimHashBands.ENTRIES_PER_BAND; page++) {
      long simhash = shared | (0x0101_0101_0101_0000L * (page + 1));
      index.nearDuplicates(List.of(new PageFingerprint("http://a.example/" + page, simhash)));
    }
    long oldest = shared | 0x0101_0101_0101_0000L;
    long newest = shared | (0x0101_0101_0101_0000L * (SimHashBands.ENTRIES_PER_BAND + 1));
    long threeBits = 1L << 20 | 1L << 36 | 1L << 52; // one in each of the other bands: only the lowest is shared
    assertEquals(List.of(Optional.empty(), Optional.of("http://a.example/" + SimHashBands.ENTRIES_PER_BAND)),
        index.nearDuplicates(List.of(new PageFingerprint("http://b.example/old", oldest ^ threeBits),
            new PageFingerprint("http://b.example/new", newest ^ threeBits))));
  }
}
