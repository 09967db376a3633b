package dev.topiary.engine.cli;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Where Topiary's own messages for the user go when the libraries' are kept off the terminal.
 *
 * <p>libtorch writes its warnings ("[W ...] AutoNonVariableTypeMode is deprecated") from C++ straight
 * to file descriptor 2, where no Java logger can filter them. So the {@code topiary} launcher sends
 * the JVM's standard error to a log file and hands the terminal's standard error over as another
 * descriptor, named by {@value #ERR_PROPERTY} ({@code /dev/fd/3}); the log's path is {@value
 * #LOG_PROPERTY}. Topiary's error lines (a bad option, a failed command) are written there, and
 * everything else that reaches standard error (library warnings, stack traces) goes to the log.
 * Without the properties (tests, {@code --verbose}, a plain {@code java} call) both are standard error.
 */
final class Terminal {
  static final String ERR_PROPERTY = "topiary.terminal.err";
  static final String LOG_PROPERTY = "topiary.log";

  private Terminal() {}

  /** The user's standard error: the launcher's descriptor when given and writable, else {@link System#err}. */
  static PrintWriter err() {
    String path = System.getProperty(ERR_PROPERTY);
    if (path != null && !path.isBlank()) {
      try {
        // append: when the user's standard error is a file, opening it anew must not truncate it
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(path, true), StandardCharsets.UTF_8), true);
      } catch (FileNotFoundException e) {
        System.err.println("topiary: cannot write to the terminal's standard error " + path + " (" + e.getMessage() + "); errors go to the log");
      }
    }
    return new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
  }

  /** " (details in LOG)" when the libraries' output goes to a log file; else empty (it is on standard error). */
  static String logHint() {
    String log = System.getProperty(LOG_PROPERTY);
    return log == null || log.isBlank() ? "" : " (details in " + log + ")";
  }
}
