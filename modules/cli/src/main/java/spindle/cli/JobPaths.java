package spindle.cli;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import spindle.core.FileProblems;

/**
 * Checks of the paths a job writes to (its output file and its store directory), made before anything is created:
 * a path that cannot work is a usage error naming the key, and a job submitted to the service may write only under
 * the service's roots.
 */
final class JobPaths {
  private JobPaths() {}

  /** Throws a usage error when {@code output} cannot be a file the job creates: empty, a directory, under a file. */
  static void checkOutput(Config config, Path output) {
    String key = "spindle.output.path";
    if (output.toString().isBlank()) {
      throw ConfigErrors.at(config, key, "must name a file, was empty");
    }
    if (Files.isDirectory(output)) {
      throw ConfigErrors.at(config, key, output + " is a directory; give the path of a file");
    }
    blockingFile(output.toAbsolutePath().getParent()).ifPresent(file -> {
      throw ConfigErrors.at(config, key, "cannot create " + output + ": " + file + " is a file, not a directory");
    });
  }

  /**
   * Throws a usage error when {@code directory} cannot be the job's store: empty, a file, under a file, or holding
   * the output (which {@code --fresh} would then delete with it).
   */
  static void checkStore(Config config, Path directory, Path output) {
    String key = "spindle.store.dir";
    if (directory.toString().isBlank()) {
      throw ConfigErrors.at(config, key, "must name a directory, was empty");
    }
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw ConfigErrors.at(config, key, directory + " is a file, not a store directory");
    }
    blockingFile(directory.toAbsolutePath().getParent()).ifPresent(file -> {
      throw ConfigErrors.at(config, key, "cannot create " + directory + ": " + file + " is a file, not a directory");
    });
    if (absolute(output).startsWith(absolute(directory))) {
      throw ConfigErrors.at(config, "spindle.output.path", output + " is inside the store directory " + directory
          + "; keep the output outside it");
    }
  }

  /**
   * Throws a usage error when {@code directory} cannot hold the job's WARC files: empty, a file, under a file, or
   * inside the store directory (which must hold only the store's own files).
   */
  static void checkWarcDirectory(Config config, Path directory, Optional<Path> store) {
    String key = "spindle.warc.dir";
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw ConfigErrors.at(config, key, directory + " is a file, not a directory");
    }
    blockingFile(directory.toAbsolutePath().getParent()).ifPresent(file -> {
      throw ConfigErrors.at(config, key, "cannot create " + directory + ": " + file + " is a file, not a directory");
    });
    if (store.isPresent() && absolute(directory).startsWith(absolute(store.get()))) {
      throw ConfigErrors.at(config, key, directory + " is inside the store directory " + store.get()
          + "; keep the WARC files outside it");
    }
  }

  /**
   * Throws a usage error naming {@code key} when {@code path} is not under {@code root} once made absolute and
   * normalised, or when a symbolic link among its existing parents leads outside it.
   */
  static void confine(Config config, String key, Path path, Path root, String rootKey) {
    Path absoluteRoot = absolute(root);
    Path absolutePath = absolute(path);
    String problem = path + " is outside " + root + " (" + rootKey + "), where the service's jobs write; give a "
        + "relative path without \"..\"";
    if (!absolutePath.startsWith(absoluteRoot) || absolutePath.equals(absoluteRoot)) {
      throw ConfigErrors.at(config, key, problem);
    }
    Optional<Path> existing = nearestExisting(absolutePath);
    if (existing.isPresent() && Files.exists(absoluteRoot)) {
      try {
        if (!existing.get().toRealPath().startsWith(absoluteRoot.toRealPath())) {
          throw ConfigErrors.at(config, key, problem + " (a symbolic link leads out of it)");
        }
      } catch (IOException unreadable) {
        throw ConfigErrors.at(config, key, "cannot check " + path + ": " + FileProblems.reason(unreadable));
      }
    }
  }

  /** {@code output}'s path relative to {@code storeDirectory}: stays true when both move together. */
  static String relativeTo(Path storeDirectory, Path output) {
    return absolute(storeDirectory).relativize(absolute(output)).toString();
  }

  private static Path absolute(Path path) {
    return path.toAbsolutePath().normalize();
  }

  /** The nearest existing ancestor of {@code directory} (itself included) when it is not a directory. */
  private static Optional<Path> blockingFile(Path directory) {
    return nearestExisting(directory).filter(existing -> !Files.isDirectory(existing));
  }

  private static Optional<Path> nearestExisting(Path path) {
    for (Path candidate = path; candidate != null; candidate = candidate.getParent()) {
      if (Files.exists(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
