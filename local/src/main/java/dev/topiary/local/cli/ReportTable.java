package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.pipeline.event.ModelEvaluated;
import java.util.Locale;

/**
 * The before/after table of a job report ({@code GET /api/v1/jobs/{id}/report}), as text: one
 * latency row per device, batch size and runtime (DJL, ONNX Runtime), median and p90 (ms), each with
 * the speed-up of the medians. The original's latency is the one the final evaluation timed in turns
 * with the pruned model ({@code pruned.baselineLatency}) when present, else the baseline evaluation's.
 */
final class ReportTable {
  private ReportTable() {}

  static String of(JsonNode report) {
    JsonNode a = report.path("baseline");
    JsonNode b = report.path("pruned");
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "%-36s %16s %16s %12s%n", "", "original", "pruned", "change"));
    if (a.isMissingNode() || a.isNull() || b.isMissingNode() || b.isNull()) {
      return t.append("(no evaluation yet: state ").append(report.path("state").asText()).append(")\n").toString();
    }
    if (a.hasNonNull("map50")) {
      points(t, "mAP@0.5", a, b, "map50");
      points(t, "mAP@0.5:0.95", a, b, "map5095");
    } else {
      points(t, "top-1 accuracy", a, b, "top1");
    }
    row(t, "parameters", a.path("params").asLong(), b.path("params").asLong());
    row(t, "FLOPs (MACs)", a.path("macs").asLong(), b.path("macs").asLong());
    row(t, "size (bytes)", a.path("sizeBytes").asLong(), b.path("sizeBytes").asLong());
    row(t, "zipped (bytes)", a.path("zippedBytes").asLong(), b.path("zippedBytes").asLong());
    boolean slower = false;
    boolean p90 = false;
    // the original as timed beside the pruned model in the final evaluation, when it was
    boolean paired = b.path("baselineLatency").isArray() && !b.path("baselineLatency").isEmpty();
    for (JsonNode la : paired ? b.path("baselineLatency") : a.path("latency")) {
      for (JsonNode lb : b.path("latency")) {
        if (sameRun(la, lb)) {
          double x = la.path("medianMs").asDouble();
          double y = lb.path("medianMs").asDouble();
          t.append(String.format(Locale.ROOT, "%-36s %16s %16s %11s%n", "latency " + la.path("device").asText() + " b="
              + la.path("batchSize").asInt() + " (ms), " + ModelEvaluated.Latency.displayName(runtime(la)), ms(la), ms(lb),
              y > 0 ? String.format(Locale.ROOT, "x%.2f", x / y) : "-"));
          p90 |= la.hasNonNull("p90Ms");
          slower |= y > x;
        }
      }
    }
    if (p90) {
      t.append("(latency: median / p90 of the timed runs; the change is of the medians")
          .append(paired ? "; original and pruned timed in turns in the final evaluation" : "").append(")\n");
    }
    if (slower && b.path("macs").asLong() < a.path("macs").asLong()) {
      t.append("(a speedup under x1.00 with fewer FLOPs: at that batch size the fixed cost of each of the model's ops,\n"
          + " which pruning does not remove, outweighs the smaller convolutions, and timings vary with the machine's load;\n"
          + " see BENCHMARKS.md, 'Real speedup of channel pruning')\n");
    }
    return t.toString();
  }

  /** "6.00 / 7.10": the median and p90 in ms, or the median alone when the report has no p90. */
  private static String ms(JsonNode latency) {
    String median = String.format(Locale.ROOT, "%.2f", latency.path("medianMs").asDouble());
    return latency.hasNonNull("p90Ms") ? median + String.format(Locale.ROOT, " / %.2f", latency.path("p90Ms").asDouble()) : median;
  }

  private static boolean sameRun(JsonNode a, JsonNode b) {
    return a.path("batchSize").asInt() == b.path("batchSize").asInt() && a.path("device").asText().equals(b.path("device").asText())
        && runtime(a).equals(runtime(b));
  }

  /** A latency without a runtime (a report from a gateway before runtimes were named) is DJL's. */
  private static String runtime(JsonNode latency) {
    return latency.path("runtime").asText(ModelEvaluated.Latency.DJL);
  }

  /** A fraction as percent, and its change in points. */
  private static void points(StringBuilder t, String label, JsonNode a, JsonNode b, String field) {
    t.append(String.format(Locale.ROOT, "%-36s %15.2f%% %15.2f%% %+9.2f pt%n", label, 100 * a.path(field).asDouble(),
        100 * b.path(field).asDouble(), 100 * (b.path(field).asDouble() - a.path(field).asDouble())));
  }

  private static void row(StringBuilder t, String name, long before, long after) {
    t.append(String.format(Locale.ROOT, "%-36s %,16d %,16d %+11.1f%%%n", name, before, after,
        before == 0 ? 0 : 100.0 * (after - before) / before));
  }
}
