package dev.topiary.engine.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.graph.*;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
  static Graph tiny() {
    GraphBuilder b = Graph.builder("tiny");
    b.input("input", 1, 4, 4);
    b.add("conv", Conv.of(2, 3, 1, 1).withBias(true), "input");
    b.add("flat", new Flatten(), "conv");
    b.add("fc", new Gemm(3, true), "flat");
    return b.output("fc").build();
  }

  static Weights fill(Graph g) {
    Weights w = new Weights();
    float v = 0;
    for (Map.Entry<ParamKey, int[]> e : g.paramShapes().entrySet()) {
      Tensor t = Tensor.zeros(e.getValue());
      for (int i = 0; i < t.data().length; i++) {
        t.data()[i] = v++;
      }
      w.put(e.getKey(), t);
    }
    return w;
  }

  @Test
  void savesAndLoadsGraphWeightsAndHistory(@TempDir Path dir) throws Exception {
    Model m = new Model(tiny(), fill(tiny()), List.of(new PruningStep("conv", new int[] {1, 4}, "l1 0.5")));
    m.save(dir);
    assertTrue(Files.exists(dir.resolve("graph.json")));
    assertFalse(Files.exists(dir.resolve("weights.safetensors.tmp")));
    Model back = Model.load(dir);
    assertEquals(GraphJson.write(m.graph()), GraphJson.write(back.graph()));
    assertEquals(m.weights().get(new ParamKey("fc", ParamRole.WEIGHT)), back.weights().get(new ParamKey("fc", ParamRole.WEIGHT)));
    assertEquals(m.history(), back.history());
  }

  @Test
  void rejectsWeightsThatDoNotFitTheGraph(@TempDir Path dir) throws Exception {
    Weights w = fill(tiny());
    w.put(new ParamKey("fc", ParamRole.WEIGHT), Tensor.zeros(3, 31));
    var e = assertThrows(InvalidWeightsException.class, () -> new Model(tiny(), w));
    assertTrue(e.getMessage().contains("fc.weight"), e.getMessage());
    new Model(tiny(), fill(tiny())).save(dir);
    w.write(dir.resolve(Model.WEIGHTS_FILE));
    var e2 = assertThrows(InvalidWeightsException.class, () -> Model.load(dir));
    assertTrue(e2.getMessage().contains("weights.safetensors"), e2.getMessage());
    assertTrue(e2.getMessage().contains("[3, 31]") && e2.getMessage().contains("[3, 32]"), e2.getMessage());
  }

  @Test
  void namesTheMissingFile(@TempDir Path dir) throws Exception {
    new Model(tiny(), fill(tiny())).save(dir);
    Files.delete(dir.resolve(Model.WEIGHTS_FILE));
    var e = assertThrows(InvalidModelException.class, () -> Model.load(dir));
    assertTrue(e.getMessage().contains("weights.safetensors: missing"), e.getMessage());
  }

  @Test
  void rejectsCorruptHistory(@TempDir Path dir) throws Exception {
    new Model(tiny(), fill(tiny())).save(dir);
    Files.writeString(dir.resolve(Model.HISTORY_FILE), "[{\"node\": \"conv\", \"removed\": [3, 1]}]");
    var e = assertThrows(InvalidModelException.class, () -> Model.load(dir));
    assertTrue(e.getMessage().contains("history.json: not a valid pruning history"), e.getMessage());
  }
}
