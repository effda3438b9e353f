package spindle.parse;

/**
 * A page's declarative refresh ({@code <meta http-equiv="refresh" content="5; url=/next">}): where a browser goes
 * next and after how long.
 *
 * @param target the canonical http(s) URL the page refreshes to, never the page itself
 * @param delaySeconds the delay before the browser goes there; 0 makes the page a client-side redirect
 */
public record PageRefresh(PageLink target, long delaySeconds) {}
