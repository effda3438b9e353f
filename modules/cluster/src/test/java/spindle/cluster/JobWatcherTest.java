package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import spindle.engine.jobs.JobControl;
import spindle.engine.jobs.JobEvent;
import spindle.engine.jobs.JobSnapshot;

/**
 * This node's side of the cluster's jobs table: it writes what operators do here, follows what they do elsewhere,
 * and never undoes an operator's change here with its own poll. The table and the service are fakes whose answers
 * the test gives, one by one; time is manual (a poll is due every second).
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobWatcherTest {
  @JUnit5TestKit
  public ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withCustomConfig(ManualTime.config().withFallback(com.typesafe.config.ConfigFactory.load())).build();

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final String BODY = "spindle.job.seeds = [\"http://a.example/\"]";

  /** A question the watcher asked the service, answered when the test completes {@code answer}. */
  record Call<T>(String what, String job, CompletableFuture<T> answer) {}

  /** A write of the watcher to the table; it lands (the row changes) when the test calls {@link #land()}. */
  record Write(String job, String to, List<String> from, CompletableFuture<Void> done, Map<String, JobTable.Row> rows) {
    void land() {
      rows.computeIfPresent(job, (name, row) -> from.contains(row.state())
          ? new JobTable.Row(name, row.body(), row.syntax(), to, row.generation()) : row);
      done.complete(null);
    }
  }

  /** The jobs table: rows the test sets, moves that land when the test says. */
  private static class Table implements JobTable {
    final Map<String, Row> rows = new ConcurrentHashMap<>();
    final TestProbe<Write> writes;

    Table(TestProbe<Write> writes) {
      this.writes = writes;
    }

    void put(String name, String state, long generation) {
      rows.put(name, new Row(name, BODY, "HOCON", state, generation));
    }

    @Override
    public CompletionStage<Long> announce(String name, String body, String syntax) {
      Row row = rows.get(name);
      long generation = row == null ? 1 : row.state().equals("running") || row.state().equals("paused")
          ? row.generation() : row.generation() + 1;
      rows.put(name, new Row(name, body, syntax, "running", generation));
      return CompletableFuture.completedFuture(generation);
    }

    @Override
    public CompletionStage<Void> move(String name, String to, List<String> from) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      writes.ref().tell(new Write(name, to, from, done, rows));
      return done;
    }

    @Override
    public CompletionStage<List<Row>> rows() {
      return CompletableFuture.completedFuture(List.copyOf(rows.values()));
    }
  }

  /** The service's jobs: every question goes to {@code calls}, and is answered by the test. */
  private static final class Service implements JobControl {
    final TestProbe<Call<?>> calls;

    Service(TestProbe<Call<?>> calls) {
      this.calls = calls;
    }

    private <T> CompletionStage<T> ask(String what, String job) {
      CompletableFuture<T> answer = new CompletableFuture<>();
      calls.ref().tell(new Call<>(what, job, answer));
      return answer;
    }

    @Override
    public CompletionStage<List<JobSnapshot>> jobs() {
      return ask("list", "");
    }

    @Override
    public CompletionStage<Outcome> join(String name, String body, String syntax) {
      return ask("join", name);
    }

    @Override
    public CompletionStage<Outcome> change(String name, Change change) {
      return ask(change.name().toLowerCase(java.util.Locale.ROOT), name);
    }
  }

  private final class Rig {
    final TestProbe<Write> writes = testKit.createTestProbe();
    final TestProbe<Call<?>> calls = testKit.createTestProbe();
    final Table table = new Table(writes);
    final ActorRef<JobWatcher.Command> watcher = testKit.spawn(JobWatcher.create(table, POLL));

    /** Announces {@code job} as opened here, and waits for the answer. */
    long announce(String job) {
      TestProbe<StatusReply<Long>> reply = testKit.createTestProbe();
      watcher.tell(new JobWatcher.Announce(job, BODY, "HOCON", reply.ref()));
      return reply.receiveMessage().getValue();
    }

    void serve() {
      watcher.tell(new JobWatcher.Serve(new Service(calls)));
    }

    /** Lets a poll come due; returns its question for the service's jobs. */
    @SuppressWarnings("unchecked")
    Call<List<JobSnapshot>> poll() {
      ManualTime.get(testKit.system()).timePasses(POLL);
      Call<?> call = calls.receiveMessage();
      assertEquals("list", call.what());
      return (Call<List<JobSnapshot>>) call;
    }

    /** Lets a poll come due and answers that this node's jobs are {@code here}. */
    void pollWith(JobSnapshot... here) {
      poll().answer().complete(List.of(here));
    }

    /** The next question to the service, which must be {@code what} about {@code job}. */
    @SuppressWarnings("unchecked")
    Call<JobControl.Outcome> expect(String what, String job) {
      Call<?> call = calls.receiveMessage();
      assertEquals(what + " " + job, call.what() + " " + call.job());
      return (Call<JobControl.Outcome>) call;
    }

    /** The service is asked nothing before the next poll comes due. */
    void askedNothing() {
      calls.expectNoMessage(Duration.ofMillis(200));
    }
  }

  private static JobSnapshot job(String name, JobSnapshot.State state) {
    return new JobSnapshot(name, state, 0);
  }

  @Test
  void anOperatorsPauseHereIsNotUndoneByThisNodesPollBeforeItsWriteLands() {
    Rig rig = new Rig();
    rig.table.put("steady", "running", 1);
    rig.announce("steady");
    rig.serve();
    Call<List<JobSnapshot>> listing = rig.poll();
    // an operator pauses the job here while the poll's listing is under way: the job publishes the event, then
    // answers the listing paused; the write to the table has not landed when the poll reads it
    rig.watcher.tell(new JobWatcher.Heard(new JobEvent.Paused("steady")));
    Write pause = rig.writes.receiveMessage();
    assertEquals("paused", pause.to());
    listing.answer().complete(List.of(job("steady", JobSnapshot.State.PAUSED)));
    rig.askedNothing(); // the table still says running: that is this node's own write still under way, not a resume

    pause.land();
    rig.pollWith(job("steady", JobSnapshot.State.PAUSED));
    rig.askedNothing();
    assertEquals("paused", rig.table.rows.get("steady").state());
  }

  @Test
  void aJobWithAWriteOfThisNodeUnderWayIsFollowedAgainOnceTheWriteLanded() {
    Rig rig = new Rig();
    rig.table.put("later", "running", 1);
    rig.announce("later");
    rig.serve();
    rig.watcher.tell(new JobWatcher.Heard(new JobEvent.Paused("later")));
    Write pause = rig.writes.receiveMessage();
    rig.pollWith(job("later", JobSnapshot.State.PAUSED));
    rig.askedNothing();

    pause.land();
    rig.table.put("later", "running", 1); // another node's operator resumed it since
    rig.pollWith(job("later", JobSnapshot.State.PAUSED));
    rig.expect("resume", "later").answer().complete(new JobControl.Outcome.Done(job("later",
        JobSnapshot.State.RUNNING)));
    rig.writes.expectNoMessage(Duration.ofMillis(200)); // a change made for the cluster is not written back
  }

  @Test
  void changesMadeOnOtherNodesAreFollowedAndNotWrittenBack() {
    Rig rig = new Rig();
    rig.table.put("shared", "paused", 1);
    rig.serve();
    rig.pollWith(job("shared", JobSnapshot.State.RUNNING));
    Call<JobControl.Outcome> pause = rig.expect("pause", "shared");
    rig.pollWith(job("shared", JobSnapshot.State.RUNNING)); // the service has not answered yet: not asked twice
    rig.askedNothing();
    pause.answer().complete(new JobControl.Outcome.Done(job("shared", JobSnapshot.State.PAUSED)));

    rig.table.put("shared", "stopped", 1);
    rig.pollWith(job("shared", JobSnapshot.State.PAUSED));
    rig.expect("stop", "shared").answer().complete(new JobControl.Outcome.Refused("no job shared"));
    rig.writes.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aJobSubmittedElsewhereIsJoinedOnceAndOneAnnouncedHereIsNotJoinedAgain() {
    Rig rig = new Rig();
    rig.table.put("elsewhere", "running", 3);
    assertEquals(1, rig.announce("mine")); // opened here, still preparing: not listed yet
    rig.serve();
    rig.pollWith();
    Call<JobControl.Outcome> join = rig.expect("join", "elsewhere");
    join.answer().complete(new JobControl.Outcome.Done(job("elsewhere", JobSnapshot.State.RUNNING)));
    rig.askedNothing(); // not "mine"

    rig.pollWith(job("elsewhere", JobSnapshot.State.RUNNING), job("mine", JobSnapshot.State.RUNNING));
    rig.askedNothing();
    rig.table.put("elsewhere", "finished", 3);
    rig.pollWith(job("elsewhere", JobSnapshot.State.ENDED), job("mine", JobSnapshot.State.RUNNING));
    rig.askedNothing();
    rig.table.put("elsewhere", "running", 4); // submitted again somewhere
    rig.pollWith(job("elsewhere", JobSnapshot.State.ENDED), job("mine", JobSnapshot.State.RUNNING));
    rig.expect("join", "elsewhere");
  }

  @Test
  void anOperatorsChangesHereAndAFinishedJobAreWrittenToTheTable() {
    Rig rig = new Rig();
    rig.table.put("told", "running", 1);
    rig.watcher.tell(new JobWatcher.Heard(new JobEvent.Paused("told")));
    rig.watcher.tell(new JobWatcher.Heard(new JobEvent.Resumed("told")));
    rig.watcher.tell(new JobWatcher.Heard(new JobEvent.Stopped("told")));
    rig.watcher.tell(new JobWatcher.Heard(new JobEvent.Finished("told")));
    assertEquals(List.of("paused from [running]", "running from [paused]", "stopped from [running, paused]",
        "finished from [running, paused]"), rig.writes.receiveSeveralMessages(4).stream()
        .map(write -> write.to() + " from " + write.from()).toList());
  }

  @Test
  void anAnnouncementAnswersWithTheJobsGenerationOrWhyItCouldNotBeWritten() {
    Rig rig = new Rig();
    rig.table.put("again", "finished", 2);
    assertEquals(3, rig.announce("again"));
    ActorRef<JobWatcher.Command> broken = testKit.spawn(JobWatcher.create(new Table(rig.writes) {
      @Override
      public CompletionStage<Long> announce(String name, String body, String syntax) {
        return CompletableFuture.failedFuture(new IllegalStateException("database down"));
      }
    }, POLL));
    TestProbe<StatusReply<Long>> reply = testKit.createTestProbe();
    broken.tell(new JobWatcher.Announce("lost", BODY, "HOCON", reply.ref()));
    assertEquals("database down", assertInstanceOf(StatusReply.class, reply.receiveMessage()).getError()
        .getMessage());
  }
}
