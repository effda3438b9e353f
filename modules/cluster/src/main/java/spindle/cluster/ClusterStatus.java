package spindle.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * {@code GET /api/cluster}: the members as this node sees them (address, status, reachability, leader), each with
 * the host entities and fetches in flight it reported, asked through the receptionist.
 */
final class ClusterStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final String node;
  private final Duration timeout;

  ClusterStatus(ActorSystem<?> system, String node, Duration timeout) {
    this.system = system;
    this.node = node;
    this.timeout = timeout;
  }

  /**
   * The members, their state, and the hosts and fetches each holds, as a JSON object (docs/admin-api.md). Does not
   * block; members that do not answer within the timeout are listed without their figures.
   */
  CompletionStage<String> describe() {
    CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
        replyTo -> Receptionist.find(NodeReporter.KEY, replyTo), timeout, system.scheduler());
    return listing.thenCompose(found -> {
      List<CompletableFuture<NodeReporter.NodeReport>> reports = new ArrayList<>();
      for (var reporter : found.getServiceInstances(NodeReporter.KEY)) {
        CompletionStage<NodeReporter.NodeReport> report = AskPattern.ask(reporter, NodeReporter.Report::new,
            timeout, system.scheduler());
        reports.add(report.toCompletableFuture().exceptionally(failure -> null));
      }
      return CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).thenApply(done -> {
        Map<String, NodeReporter.NodeReport> byAddress = new HashMap<>();
        reports.forEach(report -> {
          if (report.join() != null) {
            byAddress.put(report.join().address(), report.join());
          }
        });
        return render(byAddress);
      });
    });
  }

  private String render(Map<String, NodeReporter.NodeReport> reports) {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Set<Member> unreachable = state.getUnreachable();
    String leader = state.getLeader() == null ? null : state.getLeader().toString();
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member member : state.getMembers()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      String address = member.address().toString();
      NodeReporter.NodeReport report = reports.get(address);
      entry.put("address", address);
      entry.put("node", report == null ? null : report.node());
      entry.put("status", member.status().toString().toLowerCase(java.util.Locale.ROOT));
      entry.put("reachable", !unreachable.contains(member));
      entry.put("leader", address.equals(leader));
      entry.put("hosts", report == null ? null : report.hosts());
      entry.put("fetches_in_flight", report == null ? null : report.fetchesInFlight());
      entry.put("jobs", report == null ? List.of() : report.jobs());
      members.add(entry);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("self", Cluster.get(system).selfMember().address().toString());
    body.put("node", node);
    body.put("leader", leader);
    body.put("members", members);
    body.put("unreachable", unreachable.stream().map(member -> member.address().toString())
        .collect(Collectors.toList()));
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
