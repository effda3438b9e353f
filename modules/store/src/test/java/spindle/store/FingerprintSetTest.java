package spindle.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintSetTest {
  @Test
  void behavesLikeASetOfLongsThroughManyGrowths() {
    FingerprintSet set = new FingerprintSet();
    Set<Long> reference = new HashSet<>();
    Random random = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      long value = random.nextInt(150_000) - 1_000; // repeats, negatives and zero included
      assertEquals(reference.add(value), set.add(value), "add " + value);
    }
    assertEquals(reference.size(), set.size());
    for (long value = -1_000; value < 150_000; value += 7) {
      assertEquals(reference.contains(value), set.contains(value), "contains " + value);
    }
    assertTrue(set.contains(0) == reference.contains(0L));
    assertFalse(set.contains(Long.MAX_VALUE));
  }
}
