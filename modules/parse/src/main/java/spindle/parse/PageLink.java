package spindle.parse;

import spindle.core.HostKey;

/** A followable link found on a page: its canonical http(s) URL and that URL's politeness key. */
public record PageLink(String url, HostKey host) {}
