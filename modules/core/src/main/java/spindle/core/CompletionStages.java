package spindle.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Re-homes completion stages made by Scala code (Pekko's Java API converts Scala futures with
 * {@code scala.jdk.FutureConverters}). Those stages run every dependent, even one added with
 * {@code whenComplete}, through {@code CompletableFuture}'s default async executor, and on a machine with fewer
 * than three cores that executor starts a new thread for each task: three threads a page. The stage returned
 * here completes on the thread that completes the original, and its own dependents run there too.
 */
public final class CompletionStages {
  private static final Executor CALLER = Runnable::run;

  private CompletionStages() {}

  /** A plain {@link CompletableFuture} completed, on the completing thread, as {@code stage} is. */
  public static <T> CompletableFuture<T> onCompletingThread(CompletionStage<T> stage) {
    CompletableFuture<T> plain = new CompletableFuture<>();
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        plain.completeExceptionally(failure);
      } else {
        plain.complete(value);
      }
    }, CALLER);
    return plain;
  }
}
