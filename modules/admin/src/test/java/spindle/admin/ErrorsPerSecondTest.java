package spindle.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The errors/s of a progress sample, which the status page charts: errors since the previous sample over the time. */
class ErrorsPerSecondTest {
  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  private static Sample sampleAt(Instant time, long failed) {
    return new Sample(time, 100, failed, 10, 1, 5, 0);
  }

  @Test
  void isTheErrorsSinceThePreviousSampleOverTheSecondsBetweenThem() {
    assertEquals(2.0, ProgressSeries.errorsPerSecond(sampleAt(START, 3), START.plusSeconds(2), 7));
    assertEquals(4.0, ProgressSeries.errorsPerSecond(sampleAt(START, 3), START.plusMillis(500), 5));
  }

  @Test
  void isZeroForTheFirstSampleForNoNewErrorAndForNoTimeBetween() {
    assertEquals(0.0, ProgressSeries.errorsPerSecond(null, START, 7));
    assertEquals(0.0, ProgressSeries.errorsPerSecond(sampleAt(START, 7), START.plusSeconds(1), 7));
    assertEquals(0.0, ProgressSeries.errorsPerSecond(sampleAt(START, 3), START, 9));
  }
}
