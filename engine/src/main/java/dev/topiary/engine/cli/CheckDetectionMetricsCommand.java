package dev.topiary.engine.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.detect.Anchors;
import dev.topiary.engine.detect.Detection;
import dev.topiary.engine.detect.DetectionDecoder;
import dev.topiary.engine.detect.DetectionMetrics;
import dev.topiary.engine.detect.GroundTruth;
import dev.topiary.engine.detect.Nms;
import dev.topiary.engine.detect.NmsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Topiary half of bench/detect/check-metrics.sh: writes seeded inputs and Topiary's answers for
 * check_metrics.py, which runs torchvision's NMS and pycocotools' COCOeval on the same inputs.
 *
 * <ul>
 *   <li>{@code heads.json}: random head maps (logits on coarse steps, so scores and boxes tie) of a
 *       128 px input with YOLOv5's default anchors, and per image and NMS setting the candidates
 *       Topiary's decoder and {@link Nms#candidates} produced and the indices {@link Nms#suppress} kept,
 *       with and without the {@code maxDet} cut;
 *   <li>{@code gt.json}, {@code dets.json}: COCO ground truth and results: random boxes, predictions
 *       jittered from them with duplicates, class swaps, false positives and tied scores, and one class
 *       predicted but absent from the ground truth;
 *   <li>{@code topiary-metrics.json}: {@link DetectionMetrics} on those predictions.
 * </ul>
 */
@Command(name = "check-detection-metrics", hidden = true, mixinStandardHelpOptions = true,
    description = "Writes seeded detection inputs with Topiary's NMS and metrics for bench/detect/check_metrics.py.")
final class CheckDetectionMetricsCommand implements Callable<Integer> {
  private static final int CLASSES = 5;
  private static final int SIZE = 640;

  @Option(names = "--out", required = true, description = "directory written")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--images", defaultValue = "400", description = "images for the metrics (default ${DEFAULT-VALUE})")
  int images;

  @Option(names = "--nms-images", defaultValue = "24", description = "images of head maps for NMS (default ${DEFAULT-VALUE})")
  int nmsImages;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    Random random = new Random(seed);
    ObjectMapper json = new ObjectMapper();
    json.writeValue(out.resolve("heads.json").toFile(), nmsCase(random));
    metricsCase(random, json);
    System.out.println("wrote " + out.resolve("heads.json") + ", gt.json, dets.json, topiary-metrics.json");
    return 0;
  }

  private Map<String, Object> nmsCase(Random random) {
    Anchors anchors = Anchors.yolov5Default();
    int channels = anchors.perLevel() * (5 + CLASSES);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("classes", CLASSES);
    doc.put("strides", new int[] {8, 16, 32});
    doc.put("anchors", new float[][] {anchors.level(0), anchors.level(1), anchors.level(2)});
    List<Object> maps = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList heads = new NDList();
      for (int l = 0; l < anchors.levels(); l++) {
        int side = 128 / anchors.stride(l);
        float[] logits = new float[nmsImages * channels * side * side];
        for (int i = 0; i < logits.length; i++) {
          int k = (i / (side * side)) % channels % (5 + CLASSES);
          logits[i] = k < 2 ? step(random, -2, 2, 0.25f) : k < 4 ? step(random, -2, 1, 0.25f) : k == 4 ? step(random, -5, 2, 0.5f) : step(random, -3, 3, 0.5f);
        }
        maps.add(Map.of("shape", new int[] {nmsImages, channels, side, side}, "data", logits));
        heads.add(manager.create(logits, new Shape(nmsImages, channels, side, side)));
      }
      doc.put("maps", maps);
      Map<String, Object> results = new LinkedHashMap<>();
      for (Map.Entry<String, NmsSettings> setting : Map.of("predict", NmsSettings.PREDICT, "validate", NmsSettings.VALIDATE).entrySet()) {
        NmsSettings s = setting.getValue();
        List<Object> perImage = new ArrayList<>();
        for (float[] rows : DetectionDecoder.decode(heads, anchors, CLASSES, s.conf())) {
          List<Detection> candidates = Nms.candidates(rows, CLASSES, s);
          Map<Detection, Integer> index = new IdentityHashMap<>();
          float[][] packed = new float[candidates.size()][];
          for (int i = 0; i < packed.length; i++) {
            Detection d = candidates.get(i);
            index.put(d, i);
            packed[i] = new float[] {d.x1(), d.y1(), d.x2(), d.y2(), d.conf(), d.cls()};
          }
          List<Integer> kept = new ArrayList<>();
          for (Detection d : Nms.suppress(candidates, s.iou(), s.maxDet())) {
            kept.add(index.get(d));
          }
          List<Integer> keptAll = new ArrayList<>();
          for (Detection d : Nms.suppress(candidates, s.iou(), Integer.MAX_VALUE)) {
            keptAll.add(index.get(d));
          }
          perImage.add(Map.of("candidates", packed, "kept", kept, "keptAll", keptAll));
        }
        results.put(setting.getKey(), Map.of("conf", s.conf(), "iou", s.iou(), "maxDet", s.maxDet(), "multiLabel", s.multiLabel(), "images", perImage));
      }
      doc.put("nms", results);
    }
    return doc;
  }

  private void metricsCase(Random random, ObjectMapper json) throws Exception {
    int absent = CLASSES - 1; // predicted, never labelled
    DetectionMetrics metrics = new DetectionMetrics(CLASSES, 100);
    List<Object> cocoImages = new ArrayList<>();
    List<Object> annotations = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    for (int image = 1; image <= images; image++) {
      cocoImages.add(Map.of("id", image, "width", SIZE, "height", SIZE));
      List<GroundTruth> truths = new ArrayList<>();
      for (int n = random.nextInt(9); n > 0; n--) {
        float w = 8 + random.nextInt(200);
        float h = 8 + random.nextInt(200);
        float x = random.nextFloat() * (SIZE - w);
        float y = random.nextFloat() * (SIZE - h);
        truths.add(new GroundTruth(random.nextInt(CLASSES - 1), x, y, x + w, y + h));
      }
      List<Detection> predictions = new ArrayList<>();
      for (GroundTruth g : truths) {
        for (int copies = random.nextFloat() < 0.85f ? (random.nextFloat() < 0.15f ? 2 : 1) : 0; copies > 0; copies--) {
          int cls = random.nextFloat() < 0.05f ? absent : g.cls();
          predictions.add(jitter(random, g, cls));
        }
        annotations.add(Map.of("id", annotations.size() + 1, "image_id", image, "category_id", g.cls(),
            "bbox", cocoBox(g.x1(), g.y1(), g.x2(), g.y2()), "area", ((double) g.x2() - g.x1()) * ((double) g.y2() - g.y1()), "iscrowd", 0));
      }
      int falsePositives = image % 50 == 0 ? 110 : random.nextInt(4); // a few images past maxDets=100
      for (int n = 0; n < falsePositives; n++) {
        float w = 8 + random.nextInt(150);
        float h = 8 + random.nextInt(150);
        float x = random.nextFloat() * (SIZE - w);
        float y = random.nextFloat() * (SIZE - h);
        predictions.add(new Detection(x, y, x + w, y + h, score(random), random.nextInt(CLASSES)));
      }
      metrics.add(predictions, truths);
      for (Detection d : predictions) {
        results.add(Map.of("image_id", image, "category_id", d.cls(), "bbox", cocoBox(d.x1(), d.y1(), d.x2(), d.y2()), "score", (double) d.conf()));
      }
    }
    List<Object> categories = new ArrayList<>();
    for (int c = 0; c < CLASSES; c++) {
      categories.add(Map.of("id", c, "name", "class" + c));
    }
    json.writeValue(out.resolve("gt.json").toFile(), Map.of("images", cocoImages, "annotations", annotations, "categories", categories));
    json.writeValue(out.resolve("dets.json").toFile(), results);
    json.writeValue(out.resolve("topiary-metrics.json").toFile(), summary(metrics.result()));
  }

  private static Map<String, Object> summary(DetectionMetrics.Result r) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("images", r.images());
    doc.put("map50", r.map50());
    doc.put("map", r.map());
    doc.put("precision", r.precision());
    doc.put("recall", r.recall());
    List<Object> perClass = new ArrayList<>();
    for (int c = 0; c < r.numClasses(); c++) {
      Map<String, Object> cls = new LinkedHashMap<>();
      cls.put("targets", r.targets(c));
      cls.put("ap50", r.evaluated(c) ? r.ap50(c) : null);
      cls.put("ap", r.evaluated(c) ? r.ap(c) : null);
      cls.put("precision", r.evaluated(c) ? r.precision(c) : null);
      cls.put("recall", r.evaluated(c) ? r.recall(c) : null);
      cls.put("pr50", r.evaluated(c) ? r.prCurve50(c) : null);
      perClass.add(cls);
    }
    doc.put("classes", perClass);
    return doc;
  }

  /** A prediction near {@code g}: corners moved by up to a third of its size, so IoUs spread over 0.3 .. 1. */
  private static Detection jitter(Random random, GroundTruth g, int cls) {
    float dx = g.width() / 3;
    float dy = g.height() / 3;
    float x1 = g.x1() + (random.nextFloat() - 0.5f) * dx;
    float y1 = g.y1() + (random.nextFloat() - 0.5f) * dy;
    float x2 = Math.max(x1 + 1, g.x2() + (random.nextFloat() - 0.5f) * dx);
    float y2 = Math.max(y1 + 1, g.y2() + (random.nextFloat() - 0.5f) * dy);
    return new Detection(x1, y1, x2, y2, score(random), cls);
  }

  /** Scores on a 0.01 grid, so that many tie. */
  private static float score(Random random) {
    return (1 + random.nextInt(99)) / 100f;
  }

  private static float step(Random random, float lo, float hi, float step) {
    return lo + step * random.nextInt(Math.round((hi - lo) / step) + 1);
  }

  /** COCO's {@code [x, y, w, h]}, in the doubles the metrics compute IoU from. */
  private static double[] cocoBox(float x1, float y1, float x2, float y2) {
    return new double[] {x1, y1, (double) x2 - x1, (double) y2 - y1};
  }
}
