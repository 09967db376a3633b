package dev.topiary.engine.prune.schedule;

import ai.djl.nn.Parameter;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.MagnitudePruner;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.prune.sparse.SparsitySchedule;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.MaskUpdate;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Magnitude pruning whose sparsity rises during training (Paddle's dynamic pruning, AGP) or stage
 * by stage (Paddle's static multi-stage pruning, {@link SparsitySchedule.Stages}): before each
 * epoch whose target differs from the last, every selected layer is pruned by magnitude to the
 * curve's value (earlier zeros count as the smallest, so they stay) and training goes on with the
 * new masks; the optimizer's momentum carries over.
 *
 * @param curve the sparsity per epoch
 * @param layers the layers and their final sparsities, each scaled by {@code curve(e) /
 *     curve(last epoch)}; null prunes every Conv and Gemm weight uniformly to {@code curve(e)}
 * @param training the whole run (its epochs must reach the curve's end)
 */
public record GradualSparsity(SparsitySchedule curve, SparsityRules layers, FitSettings training) implements PruningSchedule {
  @Override
  public ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener) {
    Graph graph = model.graph();
    double last = curve.sparsity(training.epochs() - 1);
    Map<String, Double> finals = layers == null ? null : layers.resolve(graph);
    List<ScheduleStep> steps = new ArrayList<>();
    List<EpochResult> epochs = new ArrayList<>();
    SparsityMask[] current = {null};
    double[] applied = {0};
    MaskUpdate update = (epoch, parameters, manager) -> {
      double s = curve.sparsity(epoch);
      if (s <= applied[0]) {
        return null;
      }
      applied[0] = s;
      Model now = new Model(graph, weightsOf(parameters), model.history());
      SparsityMask mask = MagnitudePruner.layerwise(now, rulesAt(s, last, finals));
      current[0] = mask;
      long zeros = mask.keys().stream().mapToLong(mask::pruned).sum();
      ScheduleStep step = new ScheduleStep(steps.size(), String.format(java.util.Locale.ROOT, "sparsity %.4f before epoch %d", s, epoch + 1),
          (int) Math.min(Integer.MAX_VALUE, zeros), graph.macs(), graph.parameterCount());
      steps.add(step);
      listener.stepDone(step);
      return mask.toNDArrays(manager);
    };
    Model trained = Fitter.fit(model, data, training, r -> {
      epochs.add(r);
      listener.epochDone("gradual " + (r.epoch() + 1) + "/" + training.epochs(), r);
    }, m -> Map.of(), List.of(), null, update).model();
    return new ScheduleResult(trained, steps, epochs, current[0]);
  }

  private SparsityRules rulesAt(double s, double last, Map<String, Double> finals) {
    if (finals == null) {
      return SparsityRules.uniform(s);
    }
    SparsityRules.Builder b = SparsityRules.builder();
    finals.forEach((node, target) -> b.add("node:" + node, last == 0 ? 0 : target * s / last));
    return b.build();
  }

  private static Weights weightsOf(Map<String, Parameter> parameters) {
    Weights w = new Weights();
    parameters.forEach((name, p) -> {
      long[] s = p.getArray().getShape().getShape();
      int[] shape = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        shape[i] = (int) s[i];
      }
      w.put(ParamKey.parse(name), new Tensor(shape, p.getArray().toFloatArray()));
    });
    return w;
  }
}
