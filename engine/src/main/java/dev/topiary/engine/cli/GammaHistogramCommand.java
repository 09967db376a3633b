package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.schedule.GammaHistogram;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gamma-histogram", mixinStandardHelpOptions = true,
    description = "Draws the histogram of BatchNorm |gamma| of one or more models (e.g. before and after sparsity training) as SVG, with the global threshold a --percent gives.")
final class GammaHistogramCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, split = ",", description = "model folders (or .onnx files), comma-separated; the last one sets the threshold") List<Path> models;
  @Option(names = "--percent", description = "mark the |gamma| below which this fraction of the last model's channels lie") Double percent;
  @Option(names = "--out", required = true, description = "the SVG file to write") Path out;

  @Override
  public Integer call() throws Exception {
    List<GammaHistogram> hs = new ArrayList<>();
    for (Path p : models) {
      Model m = ModelOptions.load(p, null);
      GammaHistogram h = GammaHistogram.of(m, p.getFileName().toString());
      if (h.channels() == 0) {
        throw new IllegalArgumentException("--model " + p + ": has no BatchNormalization (folded into the convolutions?), so no |gamma| to draw");
      }
      hs.add(h);
    }
    GammaHistogram last = hs.get(hs.size() - 1);
    float threshold = percent == null ? Float.NaN : last.threshold(percent);
    Files.writeString(out, GammaHistogram.svg("BatchNorm |gamma|", hs, threshold));
    for (GammaHistogram h : hs) {
      System.out.printf(Locale.ROOT, "%s: %d channels, |gamma| up to %.4g, median %.4g%n", h.label(), h.channels(), h.max(), h.threshold(0.5));
    }
    if (percent != null) {
      System.out.printf(Locale.ROOT, "threshold at %.0f%% of %s's channels: %.4g%n", 100 * percent, last.label(), threshold);
    }
    System.out.println("wrote " + out);
    return 0;
  }
}
