/**
 * The address policy (docs/security.md): which IP addresses a crawl may connect to. {@link
 * spindle.fetch.address.AddressClass} classifies an address (public, private, always refused);
 * {@link spindle.fetch.address.AddressPolicy} decides for one connection, and for a job from its seeds;
 * {@link spindle.fetch.address.HostResolver} is the seam through which every connection's host is resolved, so the
 * address judged is the address connected to.
 */
package spindle.fetch.address;
