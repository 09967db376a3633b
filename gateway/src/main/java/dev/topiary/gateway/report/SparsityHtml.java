package dev.topiary.gateway.report;

import static dev.topiary.gateway.report.ReportHtml.fmt;
import static dev.topiary.gateway.report.ReportHtml.opt;

import java.util.List;

/**
 * A sparse job's part of the HTML report, in place of the channels (masks keep every channel): a
 * table with the sparsity after each mask step (each stage of static stages) and the validation
 * top-1 its fine-tuning reached, or the sparsity and top-1 of each epoch of gradual sparsity.
 */
final class SparsityHtml {
  private SparsityHtml() {}

  static void render(StringBuilder h, List<JobReport.SparsityRow> rows) {
    h.append("<h2>Sparsity</h2><p>Masks zero weights and keep every channel: the model keeps its shape, its zipped size shrinks.</p>")
        .append("<table id=\"sparsity\"><tr><th>point</th><th>step</th><th>sparsity (Conv and Gemm weights)</th>")
        .append("<th>validation top-1</th></tr>");
    long stages = rows.stream().filter(r -> r.epoch() == null).count();
    int stage = 0;
    for (JobReport.SparsityRow r : rows) {
      String point = r.epoch() != null ? "epoch " + r.epoch() : stages > 1 ? "stage " + ++stage : "masks";
      h.append("<tr><td>").append(point).append("</td><td>").append(r.step()).append("</td><td>")
          .append(fmt("%.1f%%", r.sparsity() * 100)).append("</td><td>").append(opt(r.accuracy() == null ? null : r.accuracy() * 100, "%.2f%%"))
          .append("</td></tr>");
    }
    h.append("</table>");
  }
}
