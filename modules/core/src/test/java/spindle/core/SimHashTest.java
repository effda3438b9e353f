package spindle.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SimHash tells near-copies (a few words changed) from unrelated texts, and ignores case and punctuation. */
class SimHashTest {
  private static final String[] VOCABULARY = ("crawler archive politeness robots host queue frontier fetch parse "
      + "link page record digest index server delay request response header body text markdown sitemap revisit "
      + "schedule cluster shard node store lease commit output batch stream actor behaviour state timer window "
      + "budget latency error retry backoff address policy seed scope depth limit domain encoding charset title")
      .split(" ");

  private static List<String> words(long seed, int count) {
    Random random = new Random(seed);
    List<String> words = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      words.add(VOCABULARY[random.nextInt(VOCABULARY.length)]);
    }
    return words;
  }

  @Test
  void pagesWithAFewWordsChangedAreNearTheirOriginalsAndUnrelatedOnesAreFar() {
    int near = 0;
    int cases = 50;
    for (long seed = 1; seed <= cases; seed++) {
      List<String> original = words(seed, 3000); // a fixture page's worth of words
      List<String> edited = new ArrayList<>(original);
      Random random = new Random(seed * 31);
      for (int change = 0; change < 3; change++) {
        edited.set(random.nextInt(edited.size()), "changed" + change);
      }
      long fingerprint = SimHash.of(String.join(" ", original));
      if (SimHash.distance(fingerprint, SimHash.of(String.join(" ", edited))) <= SimHash.NEAR) {
        near++;
      }
      long unrelated = SimHash.of(String.join(" ", words(seed + 1000, 3000)));
      assertTrue(SimHash.distance(fingerprint, unrelated) > 3 * SimHash.NEAR,
          "unrelated texts " + SimHash.distance(fingerprint, unrelated) + " bits apart (seed " + seed + ")");
    }
    // SimHash is a sketch: a change can flip a bit whose sum was near zero; nearly all near-copies must be found
    assertTrue(near >= cases * 9 / 10, near + " of " + cases + " three-word edits within " + SimHash.NEAR + " bits");
  }

  @Test
  void caseAndPunctuationDoNotCountButWordOrderDoes() {
    assertEquals(SimHash.of("The quick brown fox, jumps over the lazy dog."),
        SimHash.of("the QUICK brown fox jumps   over the lazy dog"));
    assertNotEquals(SimHash.of("one two three four five six"), SimHash.of("six five four three two one"));
    assertEquals(0, SimHash.of("  ... !!! "));
    assertNotEquals(0, SimHash.of("word"));
  }

  @Test
  void theHexFormRoundTrips() {
    long fingerprint = SimHash.of("a few words of text for the fingerprint");
    assertEquals(16, SimHash.hex(fingerprint).length());
    assertEquals(fingerprint, SimHash.parseHex(SimHash.hex(fingerprint)));
    assertEquals("000000000000000f", SimHash.hex(15));
  }

  @Test
  void aTextTakenInPiecesHasTheFingerprintOfTheWholeAndABoundarySplitsAWord() {
    String text = String.join(" ", words(7, 2000)) + " Ünïcode Wörds, DIGITS 2026 and 1,000 more";
    SimHash.Builder pieces = new SimHash.Builder();
    for (int from = 0; from < text.length(); from += 7) { // cuts fall inside words and between them
      pieces.add(text.substring(from, Math.min(text.length(), from + 7)));
    }
    assertEquals(SimHash.of(text), pieces.fingerprint());
    assertEquals(SimHash.of("archive politeness robots"), new SimHash.Builder().add("archive polite").add("ness")
        .add(" robots").fingerprint());
    assertEquals(SimHash.of("archive polite ness robots"), new SimHash.Builder().add("archive polite").boundary()
        .add("ness robots").fingerprint());
    assertEquals(0, new SimHash.Builder().add(" ,;- ").fingerprint());
  }
}
