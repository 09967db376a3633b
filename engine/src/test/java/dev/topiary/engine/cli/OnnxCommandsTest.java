package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxFixtureFiles;
import dev.topiary.engine.onnx.OnnxImporter;
import dev.topiary.engine.weights.Npy;
import dev.topiary.engine.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import, export, predict and latency --runtime onnxruntime, and their bad inputs: exit 2, one line, nothing written. */
class OnnxCommandsTest {
  @TempDir Path dir;

  private static final Path RESNET = OnnxFixtureFiles.path("resnet-bn-op13.onnx");
  private static final Path YOLO = OnnxFixtureFiles.path("yolo-bn-op13.onnx");

  private static double diff(Tensor a, Tensor b) {
    double d = 0;
    double scale = 1;
    for (int i = 0; i < a.data().length; i++) {
      d = Math.max(d, Math.abs(a.data()[i] - b.data()[i]));
      scale = Math.max(scale, Math.abs(a.data()[i]));
    }
    return d / scale;
  }

  @Test
  void importsExportsAndPredictsInBothRuntimes() throws IOException {
    Path model = dir.resolve("resnet");
    EngineCliTest.Run imp = EngineCliTest.run("import", RESNET.toString(), "--out", model.toString());
    assertEquals(0, imp.code(), imp.err());
    assertTrue(imp.out().contains("parameters 9,938") && imp.out().contains("batchnorm  present"), imp.out());
    assertTrue(Files.isRegularFile(model.resolve(Model.GRAPH_FILE)));

    Path onnx = dir.resolve("resnet.onnx");
    EngineCliTest.Run exp = EngineCliTest.run("export", "--model", model.toString(), "--onnx", onnx.toString(), "--opset", "13", "--fold-bn");
    assertEquals(0, exp.code(), exp.err());
    Model reimported = OnnxImporter.builder().build().importFile(onnx);
    assertEquals(List.of("input"), reimported.graph().inputs().stream().map(i -> i.name()).toList());
    assertEquals(List.of("output"), reimported.graph().outputs());

    Path x = OnnxFixtureFiles.path("resnet.input.npy");
    Tensor expected = Npy.read(OnnxFixtureFiles.path("resnet.output.npy"));
    for (String runtime : List.of("djl", "onnxruntime")) {
      for (Path m : List.of(model, onnx, RESNET)) {
        Path y = dir.resolve("y-" + runtime + "-" + m.getFileName() + ".npy");
        EngineCliTest.Run p = EngineCliTest.run("predict", "--model", m.toString(), "--input", x.toString(), "--out", y.toString(), "--runtime", runtime);
        assertEquals(0, p.code(), p.err());
        assertTrue(diff(expected, Npy.read(y)) < 1e-4, runtime + " on " + m + ": " + diff(expected, Npy.read(y)));
      }
    }
  }

  @Test
  void predictWritesOneFilePerOutputOfADetector() throws IOException {
    Path y = dir.resolve("y.npy");
    EngineCliTest.Run p = EngineCliTest.run("predict", "--model", YOLO.toString(), "--input",
        OnnxFixtureFiles.path("yolo.input.npy").toString(), "--out", y.toString(), "--runtime", "onnxruntime");
    assertEquals(0, p.code(), p.err());
    for (String o : List.of("out0", "out1", "out2")) {
      Tensor got = Npy.read(dir.resolve("y." + o + ".npy"));
      assertTrue(diff(Npy.read(OnnxFixtureFiles.path("yolo." + o + ".npy")), got) < 1e-4, o);
    }
    assertFalse(Files.exists(y), "several outputs: no single y.npy");
  }

  @Test
  void latencyRunsInOnnxRuntime() {
    EngineCliTest.Run r = EngineCliTest.run("latency", "--model", RESNET.toString(), "--runtime", "onnxruntime",
        "--batches", "1,2", "--warmup", "1", "--runs", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("ONNX Runtime") && r.out().lines().filter(l -> l.trim().matches("[12] .*")).count() == 2, r.out());
  }

  @Test
  void badInputsExitWith2AndOneLineAndWriteNothing() throws IOException {
    Path junk = dir.resolve("junk.onnx");
    Files.writeString(junk, "not a model");
    Path out = dir.resolve("out");
    EngineCliTest.Run r = EngineCliTest.run("import", junk.toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(junk.toString()) && r.err().contains("not an ONNX model"), r.err());
    assertFalse(Files.exists(out));

    Path onnx = dir.resolve("x.onnx");
    EngineCliTest.Run opset = EngineCliTest.run("export", "--model", RESNET.toString(), "--onnx", onnx.toString(), "--opset", "9");
    assertEquals(2, opset.code());
    assertTrue(opset.err().contains("opset 9 is not supported"), opset.err());
    assertFalse(Files.exists(onnx));

    Path wrongShape = dir.resolve("wrong.npy");
    Npy.write(wrongShape, new int[] {1, 3, 8, 8}, new float[192]);
    Path y = dir.resolve("y.npy");
    EngineCliTest.Run p = EngineCliTest.run("predict", "--model", RESNET.toString(), "--input", wrongShape.toString(), "--out", y.toString());
    assertEquals(2, p.code());
    assertTrue(p.err().contains("does not fit") || p.err().contains("does not match"), p.err());
    assertFalse(Files.exists(y));

    EngineCliTest.Run rt = EngineCliTest.run("predict", "--model", RESNET.toString(), "--input", OnnxFixtureFiles.path("resnet.input.npy").toString(),
        "--out", y.toString(), "--runtime", "tensorflow");
    assertEquals(2, rt.code());
    assertTrue(rt.err().contains("--runtime must be djl or onnxruntime"), rt.err());
  }
}
