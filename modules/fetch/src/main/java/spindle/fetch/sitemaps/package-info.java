/**
 * Sitemaps (sitemaps.org) on crawler-commons: {@link spindle.fetch.sitemaps.SitemapReader} turns the bytes of a
 * fetched sitemap (XML, a sitemap index, text, RSS or Atom, maybe gzipped) into a
 * {@link spindle.fetch.sitemaps.SitemapReading}; {@link spindle.fetch.sitemaps.SitemapSettings} holds the
 * {@code spindle.sitemaps} keys. Finding and fetching sitemaps is the engine's job, through the same fetchers and
 * politeness as pages.
 */
package spindle.fetch.sitemaps;
