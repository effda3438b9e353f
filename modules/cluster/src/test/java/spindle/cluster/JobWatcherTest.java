package spindle.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import spindle.admin.JobCounts;
import spindle.admin.JobManager;
import spindle.admin.JobState;
import spindle.admin.JobView;
import spindle.admin.Reply;
import spindle.store.PostgresSettings;
import spindle.store.TestPostgres;

/**
 * The watcher does not undo what an operator just did on this node: a pause here reaches the jobs table after the
 * job paused, and a table read before it lands must not look like a resume on another node. The job manager is a
 * probe that answers the watcher's listings; the table is a real one, in the tests' PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobWatcherTest {
  private static final Duration POLL = Duration.ofMillis(100);
  /** Listings to answer while checking that nothing is changed: several polls. */
  private static final int POLLS = 6;

  private final ActorTestKit testKit = ActorTestKit.create();
  /** The clusters of these tests, one per test, so that no test's watcher sees another's jobs. */
  private final String clusters = "watcher-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void requirePostgres() {
    TestPostgres.requireServer();
  }

  /** The jobs table of a cluster of its own. */
  private ClusterJobs table(String test) {
    ClusterJobs jobs = new ClusterJobs(TestPostgres.settings(2), clusters + "-" + test);
    jobs.createTables();
    return jobs;
  }

  @AfterAll
  void dropRows() throws Exception {
    testKit.shutdownTestKit();
    PostgresSettings database = TestPostgres.settings();
    try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
         PreparedStatement forget = connection.prepareStatement("DELETE FROM spindle_jobs WHERE cluster LIKE ?")) {
      forget.setString(1, clusters + "-%");
      forget.executeUpdate();
    }
  }

  private static JobView job(String name, JobState state) {
    return new JobView(name, state, Instant.now(), Optional.empty(), JobCounts.NONE, 0, OptionalDouble.empty(),
        "out/" + name + ".jsonl", "memory", Optional.empty());
  }

  private ActorRef<JobWatcher.Command> watch(ClusterJobs jobs, TestProbe<JobManager.Command> manager, String name,
      Map<String, Integer> moving) {
    long generation = jobs.announce(name, "spindle.job.seeds = [\"http://a.example/\"]", "HOCON");
    Map<String, Long> openedHere = new ConcurrentHashMap<>(Map.of(name, generation));
    return testKit.spawn(JobWatcher.create(jobs, manager.ref(), POLL, openedHere, moving));
  }

  /** Answers {@code polls} listings with the job in {@code state}; fails on any change the watcher asks for. */
  private static void listUnchanged(TestProbe<JobManager.Command> manager, String name, JobState state, int polls) {
    for (int i = 0; i < polls; i++) {
      JobManager.Command command = manager.receiveMessage(Duration.ofSeconds(5));
      if (command instanceof JobManager.ListJobs list) {
        list.replyTo().tell(List.of(job(name, state)));
      } else {
        fail("the watcher changed the job: " + command);
      }
    }
  }

  @Test
  void aJobWhoseStateThisNodeIsStillWritingIsLeftAloneUntilTheTableHasIt() {
    TestProbe<JobManager.Command> manager = testKit.createTestProbe();
    Map<String, Integer> moving = new ConcurrentHashMap<>(Map.of("writing", 1)); // its pause, not yet written
    ActorRef<JobWatcher.Command> watcher = watch(table("writing"), manager, "writing", moving);
    listUnchanged(manager, "writing", JobState.PAUSED, POLLS); // the table still says running

    moving.clear(); // written now, yet the table says running: another node resumed it since
    JobManager.Command command;
    do {
      command = manager.receiveMessage(Duration.ofSeconds(5));
      if (command instanceof JobManager.ListJobs list) {
        list.replyTo().tell(List.of(job("writing", JobState.PAUSED)));
      }
    } while (command instanceof JobManager.ListJobs);
    JobManager.ChangeJob change = (JobManager.ChangeJob) command;
    assertEquals(JobManager.JobAction.RESUME, change.action());
    change.replyTo().tell(Reply.ok(job("writing", JobState.RUNNING)));
    testKit.stop(watcher);
  }

  @Test
  void aPauseHereThatLandsAfterTheListingIsNotTakenForAResumeElsewhere() {
    TestProbe<JobManager.Command> manager = testKit.createTestProbe();
    ClusterJobs jobs = table("listed");
    ActorRef<JobWatcher.Command> watcher = watch(jobs, manager, "listed", new ConcurrentHashMap<>());
    JobManager.ListJobs first = manager.expectMessageClass(JobManager.ListJobs.class, Duration.ofSeconds(5));
    jobs.move("listed", "paused", "running"); // an operator paused it here meanwhile, and the table has it
    first.replyTo().tell(List.of(job("listed", JobState.PAUSED)));
    listUnchanged(manager, "listed", JobState.PAUSED, POLLS);
    testKit.stop(watcher);
  }
}
