package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Live progress of a job from its event stream: one line per plan step with a bar, redrawn in
 * place on a terminal (one line per update elsewhere). Tuning steps fill by epoch, others complete
 * at once. Knows the plan's steps from the job's timeline.
 */
final class ProgressView {
  private static final int WIDTH = 24;

  private final PrintStream out;
  private final boolean terminal;
  private final Map<Integer, String[]> steps = new HashMap<>();

  /** @param timeline the job's {@code timeline}: index, kind, stage per step */
  ProgressView(PrintStream out, boolean terminal, JsonNode timeline) {
    this.out = out;
    this.terminal = terminal;
    timeline.forEach(s -> steps.put(s.path("index").asInt(), new String[] {s.path("stage").asText(), s.path("kind").asText()}));
  }

  /** Shows one event of the stream; returns whether it ends the job. */
  boolean show(String type, JsonNode e) {
    int step = e.path("stepIndex").asInt();
    String[] s = steps.getOrDefault(step, new String[] {"", ""});
    switch (type == null ? "" : type) {
      case "JobSubmitted" -> line(String.format(Locale.ROOT, "%-9s job %s submitted: %d steps", "[gateway]", e.path("jobId").asText(),
          e.path("totalSteps").asInt()), true);
      case "EpochTuned" -> {
        int epoch = e.path("epoch").asInt();
        int epochs = e.path("epochs").asInt();
        String acc = e.hasNonNull("valAccuracy") ? String.format(Locale.ROOT, "  val %.2f%%", 100 * e.path("valAccuracy").asDouble())
            : e.hasNonNull("map50") ? String.format(Locale.ROOT, "  val mAP@0.5 %.3f", e.path("map50").asDouble()) : "";
        acc += e.hasNonNull("sparsity") ? String.format(Locale.ROOT, "  sparsity %.1f%%", 100 * e.path("sparsity").asDouble()) : "";
        line(String.format(Locale.ROOT, "%-10s %2d %-16s %s epoch %d/%d  loss %.4f%s", "[" + s[0] + "]", step, s[1], bar(epoch, epochs),
            epoch, epochs, e.path("trainLoss").asDouble(), acc), epoch == epochs);
      }
      case "RankComputed" -> line(String.format(Locale.ROOT, "%-10s %2d %-16s %s %s, %d groups scored", "[" + s[0] + "]", step, s[1],
          bar(1, 1), e.path("criterion").asText(), e.path("groups").asInt()), true);
      case "LayerPruned" -> line(String.format(Locale.ROOT, "%-10s %2d %-16s %s %s: %,d params, %,d MACs", "[" + s[0] + "]", step, s[1],
          bar(1, 1), e.hasNonNull("sparsity") ? String.format(Locale.ROOT, "masked to sparsity %.1f%%", 100 * e.path("sparsity").asDouble())
              : e.path("groups").size() + " group(s) cut", e.path("paramsAfter").asLong(), e.path("macsAfter").asLong()), true);
      case "ModelEvaluated" -> line(String.format(Locale.ROOT, "%-10s %2d %-16s %s %s, %,d params, %,d MACs", "[" + s[0] + "]",
          step, s[1], bar(1, 1), e.has("detection")
              ? String.format(Locale.ROOT, "mAP@0.5 %.3f mAP@0.5:0.95 %.3f", e.path("detection").path("map50").asDouble(),
                  e.path("detection").path("map5095").asDouble())
              : String.format(Locale.ROOT, "top-1 %.2f%%", 100 * e.path("top1").asDouble()),
          e.path("params").asLong(), e.path("macs").asLong()), true);
      case "JobFailed" -> {
        line("[failed]   step " + step + " (" + e.path("stage").asText() + "): " + e.path("message").asText(), true);
        return true;
      }
      case "JobCancelled" -> {
        line("[cancelled] " + e.path("reason").asText(), true);
        return true;
      }
      default -> { }
    }
    return "ModelEvaluated".equals(type) && step == steps.size();
  }

  /** A line about the connection (reconnecting), between the progress lines. */
  void notice(String text) {
    line(text, true);
  }

  private void line(String text, boolean done) {
    if (terminal) {
      out.print("\r\033[K" + text + (done ? "\n" : ""));
    } else {
      out.println(text);
    }
    out.flush();
  }

  static String bar(int done, int total) {
    int filled = total == 0 ? WIDTH : (int) Math.round((double) WIDTH * done / total);
    return "|" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "|";
  }
}
