package dev.topiary.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.view.JobDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The report's accuracy and loss chart: its axes' ticks, its legend and the marks where fine-tuning starts. */
class EpochChartTest {
  static JobDetails.Epoch epoch(int step, int epoch, int epochs, double loss, double accuracy) {
    return new JobDetails.Epoch(step, epoch, epochs, loss, accuracy, loss * 1.1, accuracy - 0.02, 0.01, null, null, null, null, null, null);
  }

  static JobDetails.Step step(int index, String stage) {
    return new JobDetails.Step(index, stage, stage, null, null, null, 1);
  }

  /** A baseline of 4 epochs (step 1), a cut (step 3), 3 epochs of fine-tuning (step 4), a cut (step 5) and 2 more (step 6). */
  static List<JobDetails.Epoch> epochs() {
    List<JobDetails.Epoch> out = new ArrayList<>();
    double[] loss = {2.3, 1.2, 0.8, 0.6, 0.9, 0.6, 0.5, 0.7, 0.5};
    for (int i = 0; i < loss.length; i++) {
      int step = i < 4 ? 1 : i < 7 ? 4 : 6;
      int first = i < 4 ? 0 : i < 7 ? 4 : 7;
      int count = i < 4 ? 4 : i < 7 ? 3 : 2;
      out.add(epoch(step, i - first + 1, count, loss[i], 0.5 + 0.04 * i));
    }
    return out;
  }

  static List<JobDetails.Step> timeline() {
    return List.of(step(0, "eval"), step(1, "finetune"), step(2, "rank"), step(3, "prune"), step(4, "finetune"), step(5, "prune"),
        step(6, "finetune"), step(7, "eval"));
  }

  private static String chart(List<JobDetails.Epoch> epochs, List<JobDetails.Step> timeline) {
    StringBuilder h = new StringBuilder();
    EpochChart.render(h, epochs, timeline);
    return h.toString();
  }

  /** The data-value of each tick of one axis, in order. */
  private static List<String> ticks(String svg, String axis) {
    int from = svg.indexOf("<g class=\"axis " + axis + "-axis\">");
    String part = svg.substring(from, svg.indexOf("<text class=\"label\"", from));
    List<String> values = new ArrayList<>();
    Matcher m = Pattern.compile("<g class=\"tick\" data-value=\"([^\"]+)\">").matcher(part);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }

  @Test
  void axesHaveTicksAtRoundValues() {
    String svg = chart(epochs(), timeline());
    assertEquals(List.of("0", "20", "40", "60", "80", "100"), ticks(svg, "accuracy"));
    assertTrue(svg.contains(">100%</text>"), svg);
    // the largest loss is the first epoch's validation loss, 2.3 * 1.1 = 2.53: ticks every 0.5 up to 3.0
    assertEquals(List.of("0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"), ticks(svg, "loss"));
    assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9"), ticks(svg, "epoch"));
    assertTrue(svg.contains(">accuracy</text>") && svg.contains(">loss</text>") && svg.contains(">epoch (every tuning step, in order)</text>"));
  }

  @Test
  void manyEpochsGetATickEveryFewEpochs() {
    List<JobDetails.Epoch> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(epoch(1, i + 1, 40, 0.05, 0.9));
    }
    String svg = chart(many, List.of(step(1, "finetune")));
    assertEquals(List.of("1", "6", "11", "16", "21", "26", "31", "36"), ticks(svg, "epoch"));
    assertEquals(List.of("0.00", "0.01", "0.02", "0.03", "0.04", "0.05", "0.06"), ticks(svg, "loss"), "validation loss 0.055");
  }

  @Test
  void legendNamesEachSeriesDrawnAndTheMark() {
    String svg = chart(epochs(), timeline());
    for (String s : List.of("acc\">.*train accuracy", "acc val\">.*validation accuracy", "loss\">.*train loss", "loss val\">.*validation loss",
        "finetune-start\">.*fine-tuning starts")) {
      assertTrue(Pattern.compile("data-series=\"" + s).matcher(svg).find(), s + " in\n" + svg);
    }
    List<JobDetails.Epoch> noValidation = epochs().stream().map(e -> new JobDetails.Epoch(e.step(), e.epoch(), e.epochs(), e.trainLoss(),
        e.trainAccuracy(), null, null, 0.01, null, null, null, null, null, null)).toList();
    String trainOnly = chart(noValidation, List.of(step(1, "finetune")));
    assertFalse(trainOnly.contains("validation"), "no entry for a series without points");
    assertFalse(trainOnly.contains("data-series=\"finetune-start\""), "no cut, no mark in the legend");
  }

  @Test
  void marksTheFirstEpochOfEachFineTuningAfterACut() {
    assertEquals(List.of(4, 7), EpochChart.fineTuneStarts(epochs(), timeline()));
    String svg = chart(epochs(), timeline());
    Matcher m = Pattern.compile("<g class=\"finetune-start\" data-epoch=\"(\\d+)\"><line x1=\"([0-9.]+)\"").matcher(svg);
    List<String> marks = new ArrayList<>();
    while (m.find()) {
      marks.add(m.group(1) + "@" + m.group(2));
    }
    // 9 epochs over x 56..664: the 5th epoch at 56 + 608 * 4 / 8 = 360, the 8th at 56 + 608 * 7 / 8 = 588
    assertEquals(List.of("5@360.0", "8@588.0"), marks);
    assertEquals(List.of(), EpochChart.fineTuneStarts(epochs(), List.of(step(1, "finetune"), step(4, "finetune"), step(6, "finetune"))),
        "tuning steps without a cut between them");
  }

  @Test
  void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertEquals(0.5, EpochChart.niceStep(2.53, 6), 1e-12);
    assertEquals(1, EpochChart.niceStep(2.53, 5), 1e-12);
    assertEquals(5, EpochChart.niceStep(39, 10), 1e-12);
    assertEquals(1, EpochChart.niceStep(8, 10), 1e-12);
    assertEquals(0.01, EpochChart.niceStep(0.055, 6), 1e-12);
    assertEquals(20, EpochChart.niceStep(100, 5), 1e-12);
  }
}
