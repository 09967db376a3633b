package dev.topiary.engine.cli;

import dev.topiary.engine.detect.BoxPredictor;
import dev.topiary.engine.detect.Detection;
import dev.topiary.engine.detect.NmsSettings;
import dev.topiary.engine.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict-boxes", mixinStandardHelpOptions = true,
    description = "Prints a detector's boxes for pictures (PNG, JPEG, BMP): class, confidence and corners in the picture's pixels.")
final class PredictBoxesCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "a detector's model folder (or .onnx file)") Path model;
  @Option(names = "--image", required = true, split = ",", description = "picture files, comma-separated") List<Path> images;
  @Option(names = "--conf", defaultValue = "0.25", description = "confidence threshold (default ${DEFAULT-VALUE}, as YOLOv5's detect.py)") float conf;
  @Option(names = "--iou", defaultValue = "0.45", description = "NMS IoU threshold (default ${DEFAULT-VALUE})") float iou;
  @Option(names = "--max-det", defaultValue = "1000", description = "most boxes per picture (default ${DEFAULT-VALUE})") int maxDet;
  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() {
    runtime.apply();
    Model m = ModelOptions.load(model, null);
    NmsSettings nms = new NmsSettings(conf, iou, maxDet, false);
    try (BoxPredictor p = new BoxPredictor(m)) {
      List<String> names = p.info().classNames();
      for (Path image : images) {
        List<Detection> boxes = p.predict(image, nms);
        System.out.printf(Locale.ROOT, "%s: %d boxes%n", image, boxes.size());
        for (Detection d : boxes) {
          System.out.printf(Locale.ROOT, "  %-14s %.3f  %7.1f %7.1f %7.1f %7.1f%n", names.get(d.cls()), d.conf(), d.x1(), d.y1(), d.x2(), d.y2());
        }
      }
    }
    return 0;
  }
}
