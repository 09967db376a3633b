package dev.topiary.engine.cli;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.detect.DetectionScenes;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "detection-data", mixinStandardHelpOptions = true,
    description = "Writes a deterministic detection dataset: PNG scenes of 1 to 6 tinted Fashion-MNIST items on textured "
        + "backgrounds with their boxes, in YOLO (data.yaml, images/, labels/) or COCO (images/, annotations/) layout; "
        + "the same arguments write the same bytes.")
final class DetectionDataCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "folder to write: empty, new, or a previous output of this command") Path out;
  @Option(names = "--train", required = true, description = "training scenes (from Fashion-MNIST's training split)") int train;
  @Option(names = "--val", defaultValue = "0", description = "validation scenes, from the test split (default ${DEFAULT-VALUE})") int val;
  @Option(names = "--size", defaultValue = "256", description = "side of the square scenes in pixels (default ${DEFAULT-VALUE})") int size;
  @Option(names = "--format", defaultValue = "yolo", description = "yolo or coco (default ${DEFAULT-VALUE})") String format;
  @Option(names = "--seed", defaultValue = "0") long seed;
  @Option(names = "--min-objects", defaultValue = "1", description = "fewest items drawn per scene (default ${DEFAULT-VALUE})") int minObjects;
  @Option(names = "--max-objects", defaultValue = "6", description = "most items drawn per scene (default ${DEFAULT-VALUE}); "
      + "an item with no room is skipped") int maxObjects;
  @Option(names = "--data-dir", description = "Fashion-MNIST folder (default Debian's /usr/share/datasets/fashion-mnist)")
  Path source;

  @Override
  public Integer call() {
    DetectionScenes.Format f = switch (format.toLowerCase(Locale.ROOT)) {
      case "yolo" -> DetectionScenes.Format.YOLO;
      case "coco" -> DetectionScenes.Format.COCO;
      default -> throw new IllegalArgumentException("--format: expected yolo or coco, got " + format);
    };
    long start = System.nanoTime();
    DetectionScenes.Written w = DetectionScenes.builder().setOut(out).setTrain(train).optVal(val).setSize(size)
        .optFormat(f).optSeed(seed).optObjects(minObjects, maxObjects)
        .optSource(source != null ? source : DatasetCatalog.FASHION_MNIST_DEBIAN).build().write();
    System.out.printf(Locale.ROOT, "wrote %d train (%d objects) + %d val (%d objects) %dx%d scenes in %s layout to %s in %.1f s%n",
        w.trainImages(), w.trainObjects(), w.valImages(), w.valObjects(), size, size, f.name().toLowerCase(Locale.ROOT),
        out, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
