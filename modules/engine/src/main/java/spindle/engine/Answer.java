package spindle.engine;

/**
 * A running crawl's answer to a question it may fail to answer for reasons of its own (its frontier cannot be
 * read): the value, or why there is none. The asker turns {@link Failed} into an error of its own; the admin API
 * answers 503 with the reason.
 *
 * @param <T> what the question asks for
 */
public sealed interface Answer<T> {
  /** The answer. */
  record Ok<T>(T value) implements Answer<T> {}

  /** No answer, and why (one line). */
  record Failed<T>(String reason) implements Answer<T> {}

  /** An answer of {@code value}. */
  static <T> Answer<T> ok(T value) {
    return new Ok<>(value);
  }

  /** No answer, for {@code reason}. */
  static <T> Answer<T> failed(String reason) {
    return new Failed<>(reason);
  }

  /** The value; an IllegalStateException with the reason when there is none. */
  default T orElseThrow() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException(((Failed<T>) this).reason());
  }
}
