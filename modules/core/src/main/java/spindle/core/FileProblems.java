package spindle.core;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Says in a few words why a file could not be read or written, for the one-line messages users get. */
public final class FileProblems {
  private FileProblems() {}

  /**
   * Why {@code failure} happened, without the path the JDK repeats in its messages ("cannot read X: X"):
   * "no such file or directory", "permission denied", "not UTF-8 text", or the reason the operating system gave.
   */
  public static String reason(IOException failure) {
    if (failure instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (failure instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (failure instanceof FileAlreadyExistsException) {
      return "a file is in the way";
    }
    if (failure instanceof NotDirectoryException) {
      return "a file is in the way of a directory";
    }
    if (failure instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    String message = failure.getMessage();
    if (message == null) {
      return failure.getClass().getSimpleName();
    }
    int colon = message.lastIndexOf(": "); // "path: Is a directory" from the JDK's native calls
    String reason = colon >= 0 ? message.substring(colon + 2) : message;
    return reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && Character.isLowerCase(reason.charAt(1))
        ? Character.toLowerCase(reason.charAt(0)) + reason.substring(1) : reason;
  }
}
