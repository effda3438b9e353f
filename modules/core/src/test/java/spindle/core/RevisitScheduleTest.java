package spindle.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RevisitScheduleTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final RevisitSchedule ONE_ROUND = new RevisitSchedule(1, false, Duration.ofHours(1),
      Duration.ofHours(10), 0.5, 0.25);

  @Test
  void theFirstVisitIsDueAgainAfterTheMinimumInterval() {
    LastVisit first = ONE_ROUND.visited(Optional.empty(), T0, Optional.empty(), Optional.of("\"e1\""),
        Optional.empty(), Optional.of("sha1:A"));
    assertEquals(1, first.visits());
    assertEquals(Duration.ofHours(1), first.interval());
    assertEquals(Optional.of(T0.plus(Duration.ofHours(1))), ONE_ROUND.nextVisit(first));
  }

  @Test
  void aChangedPageGetsAShorterIntervalAndAnUnchangedOneALongerOne() {
    RevisitSchedule schedule = new RevisitSchedule(0, true, Duration.ofMinutes(10), Duration.ofHours(10), 0.5, 0.25);
    LastVisit previous = new LastVisit(T0, 3, Duration.ofHours(2), Optional.empty(), Optional.empty(),
        Optional.of("sha1:A"));
    Instant now = T0.plus(Duration.ofHours(2));
    LastVisit changed = schedule.visited(Optional.of(previous), now, Optional.of(true), Optional.empty(),
        Optional.empty(), Optional.of("sha1:B"));
    LastVisit unchanged = schedule.visited(Optional.of(previous), now, Optional.of(false), Optional.empty(),
        Optional.empty(), Optional.of("sha1:A"));
    assertEquals(Duration.ofMinutes(90), changed.interval());
    assertEquals(Duration.ofHours(3), unchanged.interval());
    assertEquals(4, changed.visits());
    assertEquals(Optional.of(now.plus(Duration.ofMinutes(90))), schedule.nextVisit(changed));
    assertEquals(Optional.of(now.plus(Duration.ofHours(3))), schedule.nextVisit(unchanged));
  }

  @ParameterizedTest
  @CsvSource({
      "60, true, 60",    // at the minimum a change keeps it there
      "500, false, 600", // an unchanged page never waits longer than the maximum
      "100, false, 150",
      "100, true, 75"})
  void theIntervalStaysBetweenTheMinimumAndTheMaximum(long previousMinutes, boolean changed, long expectedMinutes) {
    RevisitSchedule schedule = new RevisitSchedule(0, true, Duration.ofMinutes(60), Duration.ofMinutes(600), 0.5,
        0.25);
    LastVisit previous = new LastVisit(T0, 2, Duration.ofMinutes(previousMinutes), Optional.empty(),
        Optional.empty(), Optional.empty());
    LastVisit next = schedule.visited(Optional.of(previous), T0, Optional.of(changed), Optional.empty(),
        Optional.empty(), Optional.empty());
    assertEquals(Duration.ofMinutes(expectedMinutes), next.interval());
  }

  @Test
  void anUnknownChangeKeepsTheInterval() {
    LastVisit previous = new LastVisit(T0, 1, Duration.ofHours(2), Optional.empty(), Optional.empty(),
        Optional.empty());
    assertEquals(Duration.ofHours(2), ONE_ROUND.visited(Optional.of(previous), T0, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty()).interval());
  }

  @Test
  void aBatchCrawlStopsAfterItsRoundsAndAContinuousOneNever() {
    LastVisit second = new LastVisit(T0, 2, Duration.ofHours(1), Optional.empty(), Optional.empty(), Optional.empty());
    assertEquals(Optional.empty(), ONE_ROUND.nextVisit(second));
    RevisitSchedule continuous = new RevisitSchedule(0, true, Duration.ofHours(1), Duration.ofHours(1), 0.5, 0.25);
    LastVisit thousandth = new LastVisit(T0, 1000, Duration.ofHours(1), Optional.empty(), Optional.empty(),
        Optional.empty());
    assertEquals(Optional.of(T0.plus(Duration.ofHours(1))), continuous.nextVisit(thousandth));
    assertFalse(RevisitSchedule.NONE.enabled());
    LastVisit first = new LastVisit(T0, 1, Duration.ofHours(1), Optional.empty(), Optional.empty(), Optional.empty());
    assertEquals(Optional.empty(), RevisitSchedule.NONE.nextVisit(first));
  }

  @Test
  void aSitemapLastmodNewerThanTheLastVisitMakesTheUrlDue() {
    LastVisit visit = new LastVisit(T0, 1, Duration.ofHours(1), Optional.empty(), Optional.empty(), Optional.empty());
    assertTrue(RevisitSchedule.dueBySitemap(Optional.of(T0.plusSeconds(1)), visit));
    assertFalse(RevisitSchedule.dueBySitemap(Optional.of(T0), visit));
    assertFalse(RevisitSchedule.dueBySitemap(Optional.empty(), visit));
  }

  @Test
  void badSettingsNameTheirKey() {
    assertEquals("spindle.recrawl.max-interval", assertThrows(SettingsException.class, () -> new RevisitSchedule(1,
        false, Duration.ofHours(2), Duration.ofHours(1), 0.4, 0.2)).key());
    assertEquals("spindle.recrawl.rounds", assertThrows(SettingsException.class, () -> new RevisitSchedule(-1,
        false, Duration.ofHours(1), Duration.ofHours(1), 0.4, 0.2)).key());
    assertEquals("spindle.recrawl.decrease-rate", assertThrows(SettingsException.class, () -> new RevisitSchedule(1,
        false, Duration.ofHours(1), Duration.ofHours(1), 0.4, 1.0)).key());
  }
}
