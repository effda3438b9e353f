package spindle.admin;

import java.time.Instant;

/**
 * One point of a job's progress series, taken about once a second.
 *
 * @param time when it was taken
 * @param done URLs recorded so far
 * @param failed URLs recorded with an error so far
 * @param queued URLs queued
 * @param inFlight requests in flight
 * @param pagesPerSecond records written per second since the previous progress report
 * @param errorsPerSecond records written with an error per second since the previous sample (0 for the first)
 */
public record Sample(Instant time, long done, long failed, long queued, int inFlight, double pagesPerSecond,
    double errorsPerSecond) {}
