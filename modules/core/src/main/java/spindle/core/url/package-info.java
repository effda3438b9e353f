/**
 * URLs as browsers parse them, and the crawler's canonical form of them.
 *
 * <p>{@link spindle.core.url.WebUrl} implements the WHATWG URL Standard's basic URL parser and
 * serializer, so a link resolves here exactly as it does in the browser that renders the page.
 * {@link spindle.core.url.UrlNormalizer} then maps equivalent http(s) URLs to one canonical href and
 * fingerprints it for the seen-set. Everything here is pure JDK code without I/O, immutable and thread-safe.
 */
package spindle.core.url;
