/**
 * HTTP fetching on the Pekko HTTP client: one GET per call, timeouts, body size limit with decoding while
 * streaming, failure classification, and the retry policy; every connection is checked against the address policy
 * of {@link spindle.fetch.address}. Redirects are not followed here: each hop goes back
 * through its host's politeness queue in the engine.
 */
package spindle.fetch;
