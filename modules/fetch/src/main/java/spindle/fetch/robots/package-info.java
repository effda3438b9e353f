/**
 * robots.txt (RFC 9309) on crawler-commons: {@link spindle.fetch.robots.RobotsRules} turns a fetched file or a
 * failed fetch into a {@link spindle.fetch.robots.RobotsOutcome}; {@link spindle.fetch.robots.RobotsPolicy} answers
 * "may I fetch this URL" and "how long must I wait". Fetching robots.txt itself is the engine's job, through the
 * same fetchers and politeness as pages.
 */
package spindle.fetch.robots;
