package dev.topiary.engine.prune.importance;

import static dev.topiary.engine.prune.importance.ImportanceFixtures.batches;
import static dev.topiary.engine.prune.importance.ImportanceFixtures.model;
import static dev.topiary.engine.prune.importance.ImportanceFixtures.weight;
import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.ImportanceFixtures.HandBatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaylorImportanceTest {
  static final double[][] W1 = {{0.5, -1, 0.25}, {1, 0.5, -0.5}, {-0.75, 0.25, 1}}; // 3 -> 3
  static final double[][] W2 = {{1, -0.5, 0.5}, {-1, 1, 0.25}}; // 3 -> 2
  static final double[][] W3 = {{0.5, -1}, {-0.25, 0.75}, {1, 0.5}}; // 2 -> 3 classes
  static final double[] B3 = {0.1, -0.2, 0.05};

  /** x[3] -> fc1 -> relu1 -> fc2 -> relu2 -> fc3 (+bias) -> 3 logits. */
  static Model mlp() {
    GraphBuilder g = Graph.builder("mlp");
    g.input("x", 3);
    g.add("fc1", new Gemm(3, false), "x");
    g.add("relu1", new Relu(), "fc1");
    g.add("fc2", new Gemm(2, false), "relu1");
    g.add("relu2", new Relu(), "fc2");
    g.add("fc3", new Gemm(3, true), "relu2");
    return model(g.output("fc3").build(), Map.of(weight("fc1"), flat(W1), weight("fc2"), flat(W2), weight("fc3"), flat(W3),
        new ParamKey("fc3", ParamRole.BIAS), new float[] {(float) B3[0], (float) B3[1], (float) B3[2]}));
  }

  static float[] flat(double[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        f[i * m[0].length + j] = (float) m[i][j];
      }
    }
    return f;
  }

  static double[] mul(double[][] w, double[] x) {
    double[] y = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < x.length; j++) {
        y[i] += w[i][j] * x[j];
      }
    }
    return y;
  }

  static double[] mulT(double[][] w, double[] g) {
    double[] y = new double[w[0].length];
    for (int i = 0; i < w.length; i++) {
      for (int j = 0; j < y.length; j++) {
        y[j] += w[i][j] * g[i];
      }
    }
    return y;
  }

  static double[] relu(double[] v) {
    double[] r = v.clone();
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.max(0, r[i]);
    }
    return r;
  }

  /** |a * dL/da| at relu1 and relu2 for one image, with L its own cross-entropy (backprop by hand). */
  static double[][] taylor(double[] x, int label) {
    double[] z1 = mul(W1, x);
    double[] a1 = relu(z1);
    double[] z2 = mul(W2, a1);
    double[] a2 = relu(z2);
    double[] logits = mul(W3, a2);
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < 3; k++) {
      logits[k] += B3[k];
      max = Math.max(max, logits[k]);
    }
    double sum = 0;
    double[] p = new double[3];
    for (int k = 0; k < 3; k++) {
      p[k] = Math.exp(logits[k] - max);
      sum += p[k];
    }
    for (int k = 0; k < 3; k++) {
      p[k] = p[k] / sum - (k == label ? 1 : 0); // dL/dlogits
    }
    double[] g2 = mulT(W3, p); // dL/da2
    double[] gz2 = new double[2];
    for (int i = 0; i < 2; i++) {
      gz2[i] = z2[i] > 0 ? g2[i] : 0;
    }
    double[] g1 = mulT(W2, gz2); // dL/da1
    double[][] t = {new double[3], new double[2]};
    for (int i = 0; i < 3; i++) {
      t[0][i] = Math.abs(a1[i] * g1[i]);
    }
    for (int i = 0; i < 2; i++) {
      t[1][i] = Math.abs(a2[i] * g2[i]);
    }
    return t;
  }

  @Test
  void activationTaylorMatchesHandComputedGradientsThroughTwoCapturePoints() {
    double[][] xs = {{1, 2, -1}, {-0.5, 1, 2}, {2, -1, 0.5}};
    int[] labels = {2, 0, 1};
    var data = batches(new int[] {3}, List.of(
        new HandBatch(new float[] {1, 2, -1, -0.5f, 1, 2}, new int[] {2, 0}),
        new HandBatch(new float[] {2, -1, 0.5f}, new int[] {1})));
    Model m = mlp();
    DependencyGraph deps = DependencyGraph.of(m.graph());
    GroupScores s = new TaylorImportance().score(m, deps, ScoringData.of(data, 5));
    double[] e1 = new double[3];
    double[] e2 = new double[2];
    for (int i = 0; i < 3; i++) {
      double[][] t = taylor(xs[i], labels[i]);
      for (int c = 0; c < 3; c++) {
        e1[c] += t[0][c] / 3;
      }
      for (int c = 0; c < 2; c++) {
        e2[c] += t[1][c] / 3;
      }
    }
    float[] s1 = s.scores(deps.groupOf("fc1"));
    float[] s2 = s.scores(deps.groupOf("fc2"));
    for (int c = 0; c < 3; c++) {
      assertEquals(e1[c], s1[c], 1e-5, "fc1 unit " + c);
    }
    for (int c = 0; c < 2; c++) {
      assertEquals(e2[c], s2[c], 1e-5, "fc2 unit " + c);
    }
    assertTrue(e1[0] > 0 && e2[1] > 0, "the case has non-zero scores");
    assertEquals(3, s.images());
  }

  @Test
  void refusesAGraphWhoseOutputIsNotClassLogits() {
    Model m = ActivationCriteriaTest.signSplit(2);
    DependencyGraph deps = DependencyGraph.of(m.graph());
    var data = batches(new int[] {1, 2, 2}, List.of(new HandBatch(new float[4], new int[] {0})));
    var e = assertThrows(InvalidPruningConfigException.class, () -> new TaylorImportance().score(m, deps, ScoringData.of(data, 1)));
    assertTrue(e.getMessage().contains("'taylor'") && e.getMessage().contains("classifier"), e.getMessage());
  }
}
