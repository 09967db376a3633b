package dev.topiary.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.view.JobDetails;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sparse job's report: each stage's sparsity with the accuracy its fine-tuning reached, or each gradual epoch's. */
class SparsityReportTest {
  private static JobDetails.Epoch epoch(int step, int epoch, int epochs, double valAccuracy, Double sparsity) {
    return new JobDetails.Epoch(step, epoch, epochs, 0.5, 0.8, 0.6, valAccuracy, 0.01, sparsity, null, null, null, null, null);
  }

  private static JobDetails.Evaluation evaluation(int step, double top1) {
    return new JobDetails.Evaluation(step, null, top1, 0.99, 0.4, null, null, 1000, 5000, 4000, 3000, List.of(), null, null);
  }

  private static JobDetails details(List<JobDetails.Epoch> epochs, List<JobDetails.Cut> cuts, int steps) {
    return new JobDetails("sparse-1", "paddle-static-stages", "acme", "completed", steps, steps, null, Instant.EPOCH, Instant.EPOCH, List.of(),
        epochs, List.of(), cuts, List.of(evaluation(2, 0.90), evaluation(steps, 0.86)), null, null);
  }

  @Test
  void staticStagesShowEachStagesSparsityAndTheAccuracyItsFineTuningReached() {
    // baseline 1, evaluate 2, then per stage: mask (3, 5, 7), finetune of two epochs (4, 6, 8); evaluate 9
    List<JobDetails.Epoch> epochs = List.of(epoch(1, 1, 1, 0.89, null), epoch(4, 1, 2, 0.80, null), epoch(4, 2, 2, 0.88, null),
        epoch(6, 1, 2, 0.84, null), epoch(6, 2, 2, 0.87, null), epoch(8, 1, 2, 0.81, null), epoch(8, 2, 2, 0.86, null));
    List<JobDetails.Cut> cuts = List.of(new JobDetails.Cut(3, 0, 1000, 5000, 0.3), new JobDetails.Cut(5, 0, 1000, 5000, 0.5),
        new JobDetails.Cut(7, 0, 1000, 5000, 0.7));
    JobReport r = JobReport.of(details(epochs, cuts, 9));

    assertEquals(List.of(new JobReport.SparsityRow(3, null, 0.3, 0.88), new JobReport.SparsityRow(5, null, 0.5, 0.87),
        new JobReport.SparsityRow(7, null, 0.7, 0.86)), r.sparsity());
    String html = ReportHtml.render(r);
    assertTrue(html.contains("<table id=\"sparsity\">"), html);
    assertTrue(html.contains("<tr><td>stage 2</td><td>5</td><td>50.0%</td><td>87.00%</td></tr>"), html);
    assertFalse(html.contains("Channels per layer"), "masks cut no channel: no empty channel chart");
  }

  @Test
  void gradualShowsEachEpochsSparsityAndAMaskWithoutTuningHasNoAccuracy() {
    List<JobDetails.Epoch> gradual = List.of(epoch(1, 1, 1, 0.89, null), epoch(3, 1, 2, 0.85, 0.3), epoch(3, 2, 2, 0.86, 0.6));
    JobReport r = JobReport.of(details(gradual, List.of(), 4));
    assertEquals(List.of(new JobReport.SparsityRow(3, 1, 0.3, 0.85), new JobReport.SparsityRow(3, 2, 0.6, 0.86)), r.sparsity());
    assertTrue(ReportHtml.render(r).contains("<tr><td>epoch 2</td><td>3</td><td>60.0%</td><td>86.00%</td></tr>"));

    JobReport untuned = JobReport.of(details(List.of(epoch(1, 1, 1, 0.89, null)), List.of(new JobDetails.Cut(3, 0, 1000, 5000, 0.5)), 4));
    assertEquals(List.of(new JobReport.SparsityRow(3, null, 0.5, null)), untuned.sparsity());
    assertTrue(ReportHtml.render(untuned).contains("<tr><td>masks</td><td>3</td><td>50.0%</td><td>-</td></tr>"));
  }

  @Test
  void aChannelJobKeepsItsChannelChart() {
    JobReport r = JobReport.of(details(List.of(epoch(1, 1, 1, 0.89, null)), List.of(new JobDetails.Cut(3, 4, 800, 4000, null)), 4));
    assertTrue(r.sparsity().isEmpty());
    assertTrue(ReportHtml.render(r).contains("Channels per layer"));
  }
}
