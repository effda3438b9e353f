/**
 * HTTP fetching on the Pekko HTTP client: one GET per call, timeouts, body size limit with decoding while
 * streaming, failure classification, and the retry policy. Redirects are not followed here: each hop goes back
 * through its host's politeness queue in the engine.
 */
package spindle.fetch;
