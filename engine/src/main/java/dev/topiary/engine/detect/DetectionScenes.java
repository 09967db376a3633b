package dev.topiary.engine.detect;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.IdxReader;
import dev.topiary.engine.data.ImageDataset;
import dev.topiary.engine.data.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a detection dataset a person can look at, generated offline from Debian's Fashion-MNIST:
 * square RGB PNG scenes of 1 to 6 tinted garments on textured backgrounds ({@link SceneRenderer}),
 * train scenes from Fashion-MNIST's training split and val scenes from its test split, the classes
 * Fashion-MNIST's ten. Layouts: YOLO ({@code data.yaml}, {@code images/{train,val}/NNNNNN.png},
 * {@code labels/{train,val}/NNNNNN.txt}) or COCO ({@code images/{train,val}/NNNNNN.png},
 * {@code annotations/instances_{train,val}.json}). Both read back through {@link YoloDataset} and
 * {@link CocoDataset} with the same objects.
 *
 * <p>Determinism: scene {@code i} of a split draws its item count and everything else from a
 * source seeded by {@code (seed, split, i)}, so two runs with the same arguments write the same
 * bytes however many threads draw them. Files: see {@link SceneFiles} (only its own files, a
 * foreign non-empty folder refused).
 */
public final class DetectionScenes {
  /** Output layouts. */
  public enum Format { YOLO, COCO }

  /** What was written: pictures and objects per split. */
  public record Written(int trainImages, int trainObjects, int valImages, int valObjects) {}

  private final Builder b;

  private DetectionScenes(Builder b) {
    this.b = b;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Writes both splits and the layout's label files. */
  public Written write() {
    SceneFiles.prepare(b.out);
    int[] objects = new int[2];
    List<List<List<GroundTruth>>> labels = new ArrayList<>();
    int[] counts = {b.train, b.val};
    for (int split = 0; split < 2; split++) {
      if (counts[split] == 0) {
        labels.add(List.of());
        continue;
      }
      ImageDataset items = IdxReader.readFashionMnist(b.source, split == 0 ? Split.TRAIN : Split.TEST);
      List<List<GroundTruth>> written = writeSplit(items, split, counts[split]);
      labels.add(written);
      objects[split] = written.stream().mapToInt(List::size).sum();
    }
    List<String> names = IdxReader.FASHION_MNIST_CLASSES;
    for (int split = 0; split < 2; split++) {
      String name = SceneFiles.SPLITS.get(split);
      List<List<GroundTruth>> l = labels.get(split);
      if (counts[split] == 0) {
        continue;
      }
      if (b.format == Format.YOLO) {
        for (int i = 0; i < l.size(); i++) {
          SceneFiles.write(b.out.resolve("labels").resolve(name).resolve(fileName(i, "txt")), SceneFiles.yoloLabel(l.get(i), b.size));
        }
      } else {
        SceneFiles.write(b.out.resolve("annotations").resolve("instances_" + name + ".json"), SceneFiles.cocoJson(names, l, b.size));
      }
    }
    if (b.format == Format.YOLO) {
      SceneFiles.write(b.out.resolve("data.yaml"), SceneFiles.dataYaml(names, b.val > 0, b.seed, b.size));
    }
    return new Written(b.train, objects[0], b.val, objects[1]);
  }

  private List<List<GroundTruth>> writeSplit(ImageDataset items, int split, int n) {
    SceneRenderer renderer = new SceneRenderer(items, b.size);
    Path dir = b.out.resolve("images").resolve(SceneFiles.SPLITS.get(split));
    @SuppressWarnings("unchecked")
    List<GroundTruth>[] objects = new List[n];
    IntStream.range(0, n).parallel().forEach(i -> {
      DetectionImage scene = scene(renderer, b.seed, split, i, b.minObjects, b.maxObjects, null);
      SceneFiles.write(dir.resolve(fileName(i, "png")), SceneFiles.png(scene));
      objects[i] = scene.objects();
    });
    return Arrays.asList(objects);
  }

  /** Scene {@code i} of {@code split} (0 train, 1 val): its item count drawn in [min, max] first. */
  static DetectionImage scene(SceneRenderer renderer, long seed, int split, int i, int min, int max, List<boolean[]> masks) {
    SplittableRandom random = new SplittableRandom(DetectionLoader.mix(DetectionLoader.mix(seed ^ DetectionLoader.mix(split + 1L)) + i));
    return renderer.render(min + random.nextInt(max - min + 1), random, masks);
  }

  static String fileName(int i, String suffix) {
    return String.format(Locale.ROOT, "%06d.%s", i, suffix);
  }

  /** Builds a {@link DetectionScenes}; out, train and size are required. */
  public static final class Builder {
    private Path out;
    private int train;
    private int val;
    private int size;
    private Format format = Format.YOLO;
    private long seed;
    private int minObjects = 1;
    private int maxObjects = 6;
    private Path source = DatasetCatalog.FASHION_MNIST_DEBIAN;

    private Builder() {}

    public Builder setOut(Path out) {
      this.out = out;
      return this;
    }

    public Builder setTrain(int train) {
      this.train = train;
      return this;
    }

    public Builder optVal(int val) {
      this.val = val;
      return this;
    }

    /** The pictures' side in pixels (at least 32). */
    public Builder setSize(int size) {
      this.size = size;
      return this;
    }

    public Builder optFormat(Format format) {
      this.format = format;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Items drawn per scene, uniformly in [min, max] (default 1 to 6); an item with no room is skipped. */
    public Builder optObjects(int min, int max) {
      this.minObjects = min;
      this.maxObjects = max;
      return this;
    }

    /** The Fashion-MNIST folder (default Debian's). */
    public Builder optSource(Path source) {
      this.source = source;
      return this;
    }

    public DetectionScenes build() {
      if (out == null || source == null || format == null) {
        throw new IllegalArgumentException((out == null ? "out" : source == null ? "source" : "format") + ": required");
      }
      if (train < 1 || val < 0) {
        throw new IllegalArgumentException("train: at least 1 and val: at least 0 required, got " + train + " and " + val);
      }
      if (size < 32) {
        throw new IllegalArgumentException("size: at least 32 pixels, got " + size);
      }
      if (minObjects < 1 || maxObjects < minObjects) {
        throw new IllegalArgumentException("objects: need 1 <= min <= max, got " + minObjects + " and " + maxObjects);
      }
      return new DetectionScenes(this);
    }
  }
}
