package spindle.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeenCacheTest {
  @Test
  void aHitIsAlwaysAFingerprintThatWasPutAndAMissMayBeAnEvictedOne() {
    SeenCache cache = new SeenCache(1000);
    java.util.Set<Long> put = new java.util.HashSet<>();
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long print = random.nextLong();
      cache.put(print);
      put.add(print);
    }
    int hits = 0;
    for (long print : put) {
      hits += cache.contains(print) ? 1 : 0;
    }
    assertTrue(hits > 0 && hits <= 1024, "hits " + hits);
    for (int i = 0; i < 10_000; i++) {
      long never = random.nextLong();
      assertFalse(!put.contains(never) && cache.contains(never), "a false positive would lose a URL");
    }
    cache.put(0);
    assertTrue(cache.contains(0));
  }

  @Test
  void aZeroSizedCacheKeepsNothing() {
    SeenCache cache = new SeenCache(0);
    cache.put(42);
    assertFalse(cache.contains(42));
  }
}
