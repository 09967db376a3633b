package dev.topiary.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.prune.sensitivity.SensitivityCurve;
import dev.topiary.engine.prune.sensitivity.SensitivityFile;
import dev.topiary.engine.prune.sensitivity.SensitivityResult;
import dev.topiary.gateway.view.JobDetails;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.testsupport.S3Server;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sensitivity job's report draws the curves its analysis event cites, from the store. */
class SensitivityReportTest {
  static final SensitivityResult RESULT = new SensitivityResult("lenet5", 0.8, List.of(
      new SensitivityCurve(0, "conv1", 6, List.of(new SensitivityCurve.Point(0.5, 3, 0.6, 0.2, 0.3))),
      new SensitivityCurve(1, "conv2<b>", 16, List.of(new SensitivityCurve.Point(0.5, 8, 0.79, 0.01, 0.25)))));

  @Test
  void showsThePlotOfTheStoredCurvesAndTheChosenCut() {
    try (S3Server s3 = S3Server.start()) {
      s3.createBucket("topiary");
      try (ArtifactStore store = ArtifactStore.builder().setEndpoint(s3.endpoint()).setAccessKey(s3.accessKey()).setSecretKey(s3.secretKey())
          .setBucket("topiary").build()) {
        SensitivityFile file = new SensitivityFile(SensitivityFile.FORMAT, SensitivityFile.VERSION, "l1", 128, RESULT,
            new SensitivityFile.Choice(0.2, 0.05, 0.25, List.of(new SensitivityFile.Group(0, "conv1", 6, 6), new SensitivityFile.Group(1, "conv2<b>", 16, 8))));
        ArtifactRef curves = store.put("jobs/j/03-rank/sensitivity.json", file.toBytes());
        ArtifactRef plot = store.put("jobs/j/03-rank/sensitivity.svg", RESULT.svg().getBytes(StandardCharsets.UTF_8));
        RankComputed.Sensitivity figures = new RankComputed.Sensitivity(curves, plot, 0.8, 0.25, 1);
        JobReport report = JobReport.of(new JobDetails("j", "lenet-sensitivity", "acme", "running", 6, 3, null, Instant.EPOCH, Instant.EPOCH,
            List.of(), List.of(), List.of(), List.of(), List.of(), null, null, figures));
        assertEquals(figures, report.sensitivity());

        String html = ReportHtml.render(report, SensitivityHtml.plot(store, report.sensitivity()));
        assertTrue(html.contains("<div id=\"sensitivity-plot\"><svg"), html);
        assertTrue(html.contains("conv2&lt;b&gt;"), "group names escaped");
        assertFalse(html.contains("conv2<b>"));
        assertTrue(html.contains("removes 25.0% of the FLOPs and cuts 1 groups"), html);

        store.delete("jobs/j/");
        assertNull(SensitivityHtml.plot(store, figures), "deleted curves: the report still renders");
        assertTrue(ReportHtml.render(report, null).contains("The curves are no longer stored."));
      }
    }
  }

  @Test
  void aJobWithoutAnalysisHasNoSensitivitySection() {
    JobReport report = JobReport.of(DetectionReportTest.details());
    assertNull(report.sensitivity());
    assertFalse(ReportHtml.render(report).contains("Sensitivity analysis"));
  }
}
