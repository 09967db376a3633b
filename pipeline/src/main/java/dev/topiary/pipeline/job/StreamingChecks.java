package dev.topiary.pipeline.job;

import dev.topiary.engine.data.DatasetCatalog;
import java.util.List;

/**
 * The image-folder options of a dataset: {@code mean}, {@code std} (one value per model input
 * channel, 1 or 3; both or neither), {@code valFraction} in (0, 1), and {@code workers}, {@code
 * prefetch} in [1, {@value DatasetSpec#MAX_THREADS}]. Every one applies to kind {@code
 * image-folder} only, since the other kinds are read whole and normalised with their own statistics.
 */
final class StreamingChecks {
  private StreamingChecks() {}

  static void check(DatasetSpec d, DatasetCatalog.Kind kind, Problems p) {
    if (kind != null && kind != DatasetCatalog.Kind.IMAGE_FOLDER) {
      Object[] values = {d.mean(), d.std(), d.valFraction(), d.workers(), d.prefetch()};
      String[] names = {"mean", "std", "valFraction", "workers", "prefetch"};
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          p.add("dataset." + names[i], "applies to kind image-folder only, not " + kind.id());
        }
      }
      return;
    }
    normalisation(d.mean(), d.std(), p);
    if (d.valFraction() != null) {
      Checks.openUnit(d.valFraction(), "dataset.valFraction", p);
    }
    threads(d.workers(), "dataset.workers", p);
    threads(d.prefetch(), "dataset.prefetch", p);
  }

  private static void normalisation(List<Double> mean, List<Double> std, Problems p) {
    if (mean == null && std == null) {
      return;
    }
    if (mean == null || std == null) {
      p.add(mean == null ? "dataset.mean" : "dataset.std", "required with dataset." + (mean == null ? "std" : "mean"));
      return;
    }
    if (mean.size() != 1 && mean.size() != 3) {
      p.add("dataset.mean", "expected 1 or 3 values (one per input channel), got " + mean.size());
    } else if (std.size() != mean.size()) {
      p.add("dataset.std", "expected " + mean.size() + " values (one per mean), got " + std.size());
    }
    for (int c = 0; c < mean.size(); c++) {
      if (!(mean.get(c) >= 0 && mean.get(c) <= 1)) {
        p.add("dataset.mean[" + c + "]", "must be in [0, 1] (pixels scaled to [0, 1]), got " + mean.get(c));
      }
    }
    for (int c = 0; c < std.size(); c++) {
      if (!(std.get(c) > 0 && std.get(c) <= 1)) {
        p.add("dataset.std[" + c + "]", "must be in (0, 1], got " + std.get(c));
      }
    }
  }

  private static void threads(Integer n, String path, Problems p) {
    if (n != null && (n < 1 || n > DatasetSpec.MAX_THREADS)) {
      p.add(path, "must be in [1, " + DatasetSpec.MAX_THREADS + "], got " + n);
    }
  }
}
