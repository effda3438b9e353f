/**
 * HTML parsing with jsoup: one parse per page gives the title, the links to follow and the page's robots
 * directives. Pure: bytes in, {@link spindle.parse.ParsedPage} out, no I/O and no actors.
 */
package spindle.parse;
