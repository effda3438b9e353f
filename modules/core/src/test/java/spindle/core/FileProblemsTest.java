package spindle.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** A file problem in a few words, without the path that the JDK's own message repeats. */
class FileProblemsTest {
  @Test
  void namesTheProblemWithoutRepeatingThePath() {
    assertEquals("no such file or directory", FileProblems.reason(new NoSuchFileException("/tmp/seeds.txt")));
    assertEquals("permission denied", FileProblems.reason(new AccessDeniedException("/root/seeds.txt")));
    assertEquals("is a directory", FileProblems.reason(new FileSystemException("/tmp: Is a directory")));
    assertEquals("IOException", FileProblems.reason(new IOException()));
    assertEquals("disk full", FileProblems.reason(new IOException("disk full")));
  }
}
