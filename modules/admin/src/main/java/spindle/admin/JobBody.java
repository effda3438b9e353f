package spindle.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * A job as submitted: its text, how it is written, and the name to give it when the text names none (a job restored
 * at start keeps the name it was given when it was first submitted).
 *
 * @param text the job, with the same keys as a job file
 * @param syntax HOCON or JSON
 * @param assignedName the name to use when the text sets no {@code spindle.job.name}; empty to generate one
 */
public record JobBody(String text, BodySyntax syntax, Optional<String> assignedName) {
  public JobBody {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(syntax, "syntax");
    Objects.requireNonNull(assignedName, "assignedName");
  }
}
