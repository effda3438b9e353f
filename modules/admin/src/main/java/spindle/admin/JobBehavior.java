package spindle.admin;

import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import spindle.engine.CrawlSupervisor;

/**
 * What every state of a {@link Job} shares: the answers to questions about the job (from the state's {@link #view()}),
 * the answers of a job that does not crawl to changes and seeds, its status reports and its saves.
 */
abstract class JobBehavior extends AbstractBehavior<Job.Command> {
  /** What the job's states need. */
  final Job.Environment environment;

  JobBehavior(ActorContext<Job.Command> context, Job.Environment environment) {
    super(context);
    this.environment = environment;
  }

  /** The job as the API shows it; empty while a job that was never listed prepares. */
  abstract Optional<JobView> view();

  /** The job's progress samples, oldest first. */
  abstract List<Sample> samples();

  /** What the manager is to know of the job in this state. */
  abstract Job.Status status();

  /** The crawl to ask about hosts and "why", while the job is active. */
  Optional<ActorRef<CrawlSupervisor.Command>> crawl() {
    return Optional.empty();
  }

  /** The job's id. */
  final String id() {
    return environment.id();
  }

  /** A receive builder with the handlers every state has: questions, and the saves being written. */
  final ReceiveBuilder<Job.Command> questions() {
    return newReceiveBuilder()
        .onMessage(Job.Get.class, this::onGet)
        .onMessage(Job.Describe.class, this::onDescribe)
        .onMessage(Job.Lookup.class, this::onLookup)
        .onMessage(Job.GetSeries.class, this::onGetSeries)
        .onMessageEquals(Job.SavesWritten.INSTANCE, this::onSavesWritten);
  }

  /**
   * {@link #questions()} and what every state without a crawl does: it refuses changes and seeds (404 or 409), and
   * ignores the late messages of a crawl that is over.
   */
  final ReceiveBuilder<Job.Command> withoutCrawl() {
    return questions()
        .onMessage(Job.Change.class, this::onChangeWhenNotCrawling)
        .onMessage(Job.AddSeeds.class, this::onAddSeedsWhenNotCrawling)
        .onMessage(Job.ProgressReport.class, this::ignore)
        .onMessage(Job.CrawlEnded.class, this::ignore)
        .onMessage(Job.SupervisorStopped.class, this::ignore);
  }

  private Behavior<Job.Command> onGet(Job.Get get) {
    get.replyTo().tell(view().map(Reply::ok).orElseGet(this::notFound));
    return this;
  }

  private Behavior<Job.Command> onDescribe(Job.Describe describe) {
    describe.replyTo().tell(new Job.Described(getContext().getSelf(), view()));
    return this;
  }

  private Behavior<Job.Command> onLookup(Job.Lookup lookup) {
    lookup.replyTo().tell(view().map(view -> Reply.ok(new JobManager.JobHandle(view, crawl())))
        .orElseGet(this::notFound));
    return this;
  }

  private Behavior<Job.Command> onGetSeries(Job.GetSeries get) {
    get.replyTo().tell(view().isPresent() ? Reply.ok(samples()) : notFound());
    return this;
  }

  private Behavior<Job.Command> onSavesWritten() {
    report();
    return this;
  }

  /** A change to a job that does not crawl: 404 for one never listed, 409 for one that has ended. */
  private Behavior<Job.Command> onChangeWhenNotCrawling(Job.Change change) {
    change.replyTo().tell(view().<Reply<JobView>>map(view -> Reply.refused(Reply.Problem.CONFLICT, "job " + id()
        + " has ended (" + view.state().wireName() + "); submit it again to resume it")).orElseGet(this::notFound));
    return this;
  }

  /** Seeds for a job that does not crawl: 404 for one never listed, 409 for one that has ended. */
  private Behavior<Job.Command> onAddSeedsWhenNotCrawling(Job.AddSeeds add) {
    add.replyTo().tell(view().<Reply<Integer>>map(view -> seedsRefused(view.state())).orElseGet(this::notFound));
    return this;
  }

  /** A second start while the job still prepares, crawls or closes: the manager's conflict check prevents it. */
  final Behavior<Job.Command> onStartWhileBusy(Job.Start start) {
    start.replyTo().tell(new JobManager.Prepared(id(), Reply.refused(Reply.Problem.CONFLICT, "job " + id()
        + " is busy; try again in a moment")));
    return this;
  }

  /** A message of a run that is over, or of a crawl this state does not have: nothing to do. */
  final Behavior<Job.Command> ignore(Job.Command stale) {
    return this;
  }

  /** 409 for seeds sent to a job in {@code state}. */
  final <T> Reply<T> seedsRefused(JobState state) {
    return Reply.refused(Reply.Problem.CONFLICT, "job " + id() + " is " + state.wireName()
        + "; seeds can be added only while it runs or is paused");
  }

  /** 404 naming the job. */
  final <T> Reply<T> notFound() {
    return Reply.refused(Reply.Problem.NOT_FOUND, "no job " + id());
  }

  /** Tells the manager this state's status. */
  final void report() {
    environment.manager().tell(new JobManager.JobChanged(id(), getContext().getSelf(), status()));
  }

  /** Tells the manager the job is gone: not listed, holding nothing, nothing to write. */
  final void reportGone() {
    environment.manager().tell(new JobManager.JobChanged(id(), getContext().getSelf(),
        new Job.Status(Optional.empty(), Optional.empty(), false)));
  }

  /** Writes {@code job} to the job's file after the saves before it; the status says so until it is written. */
  final void save(JobFiles.SavedJob job) {
    getContext().pipeToSelf(environment.saves().save(job), (ignored, failure) -> Job.SavesWritten.INSTANCE);
  }
}
