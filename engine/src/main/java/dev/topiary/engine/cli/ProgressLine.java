package dev.topiary.engine.cli;

import dev.topiary.engine.train.TrainingProgress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress within an epoch on the command line: {@code train epoch 2/5 |######......| 12,800/60,000
 * 1,234 img/s  ETA 0:38}. On a terminal the line is redrawn in place (carriage return, at most five
 * times a second); elsewhere (a pipe, a log file) it is printed as a plain line every ten seconds,
 * so that logs stay readable. The rate counts from the end of the epoch's first step, which carries
 * the warm-up (memory order measurement, the first allocations) and would skew the ETA.
 *
 * <p>Not thread-safe: one training thread calls {@link #stepped}; the command calls {@link #clear}
 * before it prints a line of its own (an epoch's figures), so that the two never share a line.
 */
final class ProgressLine implements TrainingProgress {
  static final long REDRAW_NANOS = 200_000_000L;
  static final long PLAIN_NANOS = 10_000_000_000L;
  private static final int WIDTH = 24;

  private final String label;
  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier clock;
  private int epoch = -1;
  private long firstStepAt;
  private long firstStepImages;
  private long shownAt;
  private boolean drawn;

  ProgressLine(String label, PrintStream out, boolean terminal, LongSupplier clock) {
    this.label = label;
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
  }

  /** On standard output, redrawn in place when it is a terminal. */
  static ProgressLine onStdout(String label) {
    return new ProgressLine(label, System.out, System.console() != null, System::nanoTime);
  }

  @Override
  public void stepped(int epoch, int epochs, long images, long imagesPerEpoch) {
    long now = clock.getAsLong();
    if (epoch != this.epoch) {
      this.epoch = epoch;
      firstStepAt = now;
      firstStepImages = images;
      shownAt = now;
      return;
    }
    if (now - shownAt < (terminal ? REDRAW_NANOS : PLAIN_NANOS) || images >= imagesPerEpoch && imagesPerEpoch > 0) {
      return; // the epoch's own line follows its last step
    }
    shownAt = now;
    String text = line(label, epoch, epochs, images, imagesPerEpoch, rate(images - firstStepImages, now - firstStepAt));
    if (terminal) {
      out.print("\r\033[K" + text);
      drawn = true;
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Erases the line drawn on a terminal, if any, so that the next output starts on a clean line. */
  void clear() {
    if (drawn) {
      out.print("\r\033[K");
      out.flush();
      drawn = false;
    }
  }

  /** Images per second; 0 before any time has passed. */
  static double rate(long images, long nanos) {
    return nanos <= 0 ? 0 : images * 1e9 / nanos;
  }

  /** Seconds until the epoch's last image at {@code rate}; -1 when unknown (no rate, or no epoch size). */
  static long etaSeconds(long images, long imagesPerEpoch, double rate) {
    if (rate <= 0 || imagesPerEpoch <= 0) {
      return -1;
    }
    return (long) Math.ceil(Math.max(0, imagesPerEpoch - images) / rate);
  }

  /** The line's text; without a bar and ETA when the epoch's size is unknown. */
  static String line(String label, int epoch, int epochs, long images, long imagesPerEpoch, double rate) {
    String head = String.format(Locale.ROOT, "%s epoch %d/%d ", label, epoch + 1, epochs);
    if (imagesPerEpoch <= 0) {
      return head + String.format(Locale.ROOT, "%,d images  %,.0f img/s", images, rate);
    }
    long eta = etaSeconds(images, imagesPerEpoch, rate);
    return head + bar(images, imagesPerEpoch) + String.format(Locale.ROOT, " %,d/%,d  %,.0f img/s  ETA %s", images, imagesPerEpoch, rate,
        eta < 0 ? "-" : duration(eta));
  }

  static String bar(long done, long total) {
    int filled = (int) Math.min(WIDTH, Math.round((double) WIDTH * done / total));
    return "|" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "|";
  }

  /** "0:38", "12:05", "1:02:03". */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
