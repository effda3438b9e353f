package spindle.engine;

import java.util.List;

/** A page of hosts in the requested order, and how many hosts the crawl knows in all. */
public record HostList(List<HostReport> hosts, int totalHosts) {
  public HostList {
    hosts = List.copyOf(hosts);
  }
}
