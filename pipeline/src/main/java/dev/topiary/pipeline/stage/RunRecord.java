package dev.topiary.pipeline.stage;

import java.nio.charset.StandardCharsets;

/**
 * How many runs of one step started, and how many of them ended in their own process (done, failed
 * or given up on a failure the service survived), as kept in {@code jobs/<id>/attempts/<NN>-<stage>}:
 * {@code "<started>"} or {@code "<started> <ended>"}. A run that started and never ended died with
 * its service: {@link #crashes()}.
 */
record RunRecord(int started, int ended) {
  static final RunRecord NONE = new RunRecord(0, 0);

  RunRecord {
    if (started < 0 || ended < 0 || ended > started) {
      throw new IllegalArgumentException("a run record needs 0 <= ended <= started, got " + started + " and " + ended);
    }
  }

  int crashes() {
    return started - ended;
  }

  RunRecord start() {
    return new RunRecord(started + 1, ended);
  }

  RunRecord end() {
    return new RunRecord(started, Math.min(started, ended + 1));
  }

  byte[] bytes() {
    return (ended == 0 ? Integer.toString(started) : started + " " + ended).getBytes(StandardCharsets.US_ASCII);
  }

  /** @throws IllegalArgumentException naming the object when the text is not a record */
  static RunRecord parse(String key, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.US_ASCII).trim();
    String[] parts = text.split(" ");
    try {
      int started = Integer.parseInt(parts[0]);
      int ended = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      if (started >= 1 && parts.length <= 2 && ended >= 0 && ended <= started) {
        return new RunRecord(started, ended);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("object " + key + ": expected a positive attempt count, got '" + text + "'");
  }
}
