package spindle.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import spindle.engine.jobs.JobControl;
import spindle.engine.jobs.JobEvent;
import spindle.engine.jobs.JobSnapshot;

/**
 * This node's side of the cluster's jobs table ({@link JobTable}), and the only one to write it: it announces the
 * jobs opened here, writes what operators do to jobs here ({@link JobEvent}s the service publishes), and, once the
 * service is up ({@link Serve}), makes this node follow the others: every {@code job-poll-interval} it lists the
 * service's jobs, then reads the table, joins the active jobs it does not run (a job submitted to another node, or
 * running since before this node joined), and pauses, resumes and stops the jobs an operator paused, resumed or
 * stopped on another node.
 *
 * <p>The order matters. An operator's pause here reaches the table after the job paused: a table read before the
 * write lands, compared with the job listed paused, would look like a resume on another node, and the poll would undo
 * the operator's pause. So the jobs are listed first, and a job with a write of this node (or a change it asked the
 * service for) under way when the listing arrives is left alone until the next poll: the service publishes an event
 * in the same step as the change, to this actor directly, so the event is here before any listing that shows the
 * change. A change made for the cluster publishes no event, so nothing is written back where it could undo a later
 * change of another node.
 */
final class JobWatcher {
  private JobWatcher() {}

  /** Messages the watcher handles. */
  sealed interface Command {}

  /** Records that job {@code name} runs (submitted or restored here); answers its generation, or why not. */
  record Announce(String name, String body, String syntax, ActorRef<StatusReply<Long>> replyTo) implements Command {}

  /** The service published {@code event}. */
  record Heard(JobEvent event) implements Command {}

  /** The service is up: from now on the watcher follows the cluster's jobs through {@code jobs}. */
  record Serve(JobControl jobs) implements Command {}

  private enum Poll implements Command { INSTANCE }

  private record Listed(List<JobSnapshot> local, Throwable failure) implements Command {}

  private record Read(List<JobTable.Row> rows, Map<String, JobSnapshot> local, Set<String> busy, Throwable failure)
      implements Command {}

  /** A write or a question about job {@code name} ended; {@code failure} names what failed, if it did. */
  private record Done(String name, String what, Throwable failure) implements Command {}

  private record Announced(String name, long generation, ActorRef<StatusReply<Long>> replyTo, Throwable failure)
      implements Command {}

  private record Answered(String name, String what, JobControl.Outcome outcome, Throwable failure)
      implements Command {}

  /** A watcher of {@code table} that polls every {@code every} once served. */
  static Behavior<Command> create(JobTable table, Duration every) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Waiting(context, new Books(context, timers, table, every))));
  }

  /**
   * What both states keep: the jobs with a write or a question of this node under way, and the generation of each job
   * this node has run, joined or announced.
   */
  private static final class Books {
    final ActorContext<Command> context;
    final TimerScheduler<Command> timers;
    final JobTable table;
    final Duration every;
    final Map<String, Integer> busy = new HashMap<>();
    final Map<String, Long> handled = new HashMap<>();

    Books(ActorContext<Command> context, TimerScheduler<Command> timers, JobTable table, Duration every) {
      this.context = context;
      this.timers = timers;
      this.table = table;
      this.every = every;
    }

    /** Runs {@code work} for job {@code name}, which is busy until it ends. */
    <T> void busy(String name, Supplier<CompletionStage<T>> work, BiFunction<T, Throwable, Command> then) {
      busy.merge(name, 1, Integer::sum);
      context.pipeToSelf(work.get(), then::apply);
    }

    void idle(String name) {
      busy.computeIfPresent(name, (job, count) -> count == 1 ? null : count - 1);
    }

    ReceiveBuilder<Command> common(ReceiveBuilder<Command> builder) {
      return builder
          .onMessage(Announce.class, this::onAnnounce)
          .onMessage(Announced.class, this::onAnnounced)
          .onMessage(Heard.class, this::onHeard)
          .onMessage(Done.class, this::onDone);
    }

    private Behavior<Command> onAnnounce(Announce announce) {
      busy(announce.name(), () -> table.announce(announce.name(), announce.body(), announce.syntax()),
          (generation, failure) -> new Announced(announce.name(), generation == null ? 0 : generation,
              announce.replyTo(), failure));
      return Behaviors.same();
    }

    private Behavior<Command> onAnnounced(Announced announced) {
      idle(announced.name());
      if (announced.failure() != null) {
        announced.replyTo().tell(StatusReply.error(announced.failure().getMessage()));
      } else {
        handled.merge(announced.name(), announced.generation(), Math::max); // opened here: not to be joined again
        announced.replyTo().tell(StatusReply.success(announced.generation()));
      }
      return Behaviors.same();
    }

    private Behavior<Command> onHeard(Heard heard) {
      JobEvent event = heard.event();
      if (event instanceof JobEvent.Paused) {
        move(event.job(), "paused", "running");
      } else if (event instanceof JobEvent.Resumed) {
        move(event.job(), "running", "paused");
      } else if (event instanceof JobEvent.Stopped) {
        move(event.job(), "stopped", "running", "paused");
      } else if (event instanceof JobEvent.Finished) {
        move(event.job(), "finished", "running", "paused");
      }
      return Behaviors.same();
    }

    private void move(String name, String to, String... from) {
      busy(name, () -> table.move(name, to, List.of(from)),
          (done, failure) -> new Done(name, "mark job " + name + " " + to + " in the jobs table", failure));
    }

    private Behavior<Command> onDone(Done done) {
      idle(done.name());
      if (done.failure() != null) { // the job goes on here; the other nodes do not follow this change
        context.getLog().warn("could not {}: {}", done.what(), done.failure().getMessage());
      }
      return Behaviors.same();
    }
  }

  /** Before the service is up: jobs are announced and events written, nothing is polled. */
  private static final class Waiting extends AbstractBehavior<Command> {
    private final Books books;

    Waiting(ActorContext<Command> context, Books books) {
      super(context);
      this.books = books;
    }

    @Override
    public Receive<Command> createReceive() {
      return books.common(newReceiveBuilder())
          .onMessage(Serve.class, this::onServe)
          .build();
    }

    private Behavior<Command> onServe(Serve serve) {
      books.timers.startSingleTimer(Poll.INSTANCE, books.every);
      return new Watching(getContext(), books, serve.jobs());
    }
  }

  /** The service is up: the jobs table is polled, and this node follows it. */
  private static final class Watching extends AbstractBehavior<Command> {
    private final Books books;
    private final JobControl jobs;

    Watching(ActorContext<Command> context, Books books, JobControl jobs) {
      super(context);
      this.books = books;
      this.jobs = jobs;
    }

    @Override
    public Receive<Command> createReceive() {
      return books.common(newReceiveBuilder())
          .onMessageEquals(Poll.INSTANCE, this::onPoll)
          .onMessage(Listed.class, this::onListed)
          .onMessage(Read.class, this::onRead)
          .onMessage(Answered.class, this::onAnswered)
          .build();
    }

    private Behavior<Command> onPoll() {
      getContext().pipeToSelf(jobs.jobs(), Listed::new);
      return this;
    }

    private Behavior<Command> onListed(Listed listed) {
      if (listed.failure() != null) {
        getContext().getLog().warn("cannot list this node's jobs: {}", listed.failure().getMessage());
        return nextPoll();
      }
      Map<String, JobSnapshot> local = new HashMap<>();
      listed.local().forEach(job -> local.put(job.name(), job));
      Set<String> busy = Set.copyOf(books.busy.keySet()); // before the table is read: see the class comment
      getContext().pipeToSelf(books.table.rows(), (rows, failure) -> new Read(rows, local, busy, failure));
      return this;
    }

    private Behavior<Command> onRead(Read read) {
      if (read.failure() != null) {
        getContext().getLog().warn("cannot read the cluster's jobs: {}", read.failure().getMessage());
        return nextPoll();
      }
      Set<String> busy = new HashSet<>(read.busy());
      busy.addAll(books.busy.keySet());
      for (JobTable.Row row : read.rows()) {
        if (!busy.contains(row.name())) { // this node's own change to the job may not be in the table yet
          follow(row, read.local().get(row.name()));
        }
      }
      return nextPoll();
    }

    /** Makes this node's job {@code here} (null: none) follow the cluster's {@code row}. */
    private void follow(JobTable.Row row, JobSnapshot here) {
      String name = row.name();
      boolean active = here != null && here.active();
      Long seen = books.handled.get(name);
      if (seen == null && here != null) {
        books.handled.put(name, row.generation()); // this node ran it already (submitted here, or restored)
        seen = row.generation();
      }
      boolean wanted = row.state().equals("running") || row.state().equals("paused");
      if (wanted && !active && (seen == null || row.generation() > seen)) {
        books.handled.put(name, row.generation());
        getContext().getLog().info("joining job {} (generation {}) submitted to another node", name,
            row.generation());
        ask(name, "join", () -> jobs.join(name, row.body(), row.syntax()));
      } else if (row.state().equals("paused") && active && here.state() == JobSnapshot.State.RUNNING) {
        getContext().getLog().info("pausing job {}: an operator paused it on another node", name);
        ask(name, "pause", () -> jobs.change(name, JobControl.Change.PAUSE));
      } else if (row.state().equals("running") && active && here.state() == JobSnapshot.State.PAUSED) {
        getContext().getLog().info("resuming job {}: an operator resumed it on another node", name);
        ask(name, "resume", () -> jobs.change(name, JobControl.Change.RESUME));
      } else if (row.state().equals("stopped") && active && here.state() != JobSnapshot.State.STOPPING) {
        getContext().getLog().info("stopping job {}: an operator stopped it on another node", name);
        ask(name, "stop", () -> jobs.change(name, JobControl.Change.STOP));
      }
    }

    private void ask(String name, String what, Supplier<CompletionStage<JobControl.Outcome>> question) {
      books.busy(name, question, (outcome, failure) -> new Answered(name, what, outcome, failure));
    }

    private Behavior<Command> onAnswered(Answered answered) {
      books.idle(answered.name());
      if (answered.failure() != null) {
        getContext().getLog().warn("job {}: no answer to the {}: {}", answered.name(), answered.what(),
            answered.failure().getMessage());
      } else if (answered.outcome() instanceof JobControl.Outcome.Refused refused) {
        getContext().getLog().warn("job {}: {} refused: {}", answered.name(), answered.what(), refused.reason());
      }
      return this;
    }

    private Behavior<Command> nextPoll() {
      books.timers.startSingleTimer(Poll.INSTANCE, books.every);
      return this;
    }
  }
}
