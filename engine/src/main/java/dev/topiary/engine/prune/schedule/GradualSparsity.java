package dev.topiary.engine.prune.schedule;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.prune.sparse.SparsitySchedule;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Magnitude pruning whose sparsity rises during training (Paddle's dynamic pruning, AGP) or stage
 * by stage (Paddle's static multi-stage pruning, {@link SparsitySchedule.Stages}): before each
 * epoch whose target rises, every selected layer is pruned by magnitude ({@link RisingMasks}) and
 * training goes on with the new masks; the optimizer's momentum carries over.
 *
 * @param curve the sparsity per epoch
 * @param layers the layers and their final sparsities, each scaled by {@code curve(e) /
 *     curve(last epoch)}; null prunes every Conv and Gemm weight uniformly to {@code curve(e)}
 * @param training the whole run (its epochs must reach the curve's end)
 */
public record GradualSparsity(SparsitySchedule curve, SparsityRules layers, FitSettings training) implements PruningSchedule {
  @Override
  public ScheduleResult run(Model model, DataSpec.Loaders data, ScheduleListener listener) {
    List<ScheduleStep> steps = new ArrayList<>();
    List<EpochResult> epochs = new ArrayList<>();
    RisingMasks masks = new RisingMasks(model, curve::sparsity, layers == null ? null : layers.resolve(model.graph()),
        curve.sparsity(training.epochs() - 1), u -> {
          long zeros = u.mask().keys().stream().mapToLong(u.mask()::pruned).sum();
          ScheduleStep step = new ScheduleStep(steps.size(), String.format(Locale.ROOT, "sparsity %.4f before epoch %d", u.sparsity(), u.epoch() + 1),
              (int) Math.min(Integer.MAX_VALUE, zeros), model.graph().macs(), model.graph().parameterCount());
          steps.add(step);
          listener.stepDone(step);
        });
    Model trained = Fitter.fit(model, data, training, r -> {
      epochs.add(r);
      listener.epochDone("gradual " + (r.epoch() + 1) + "/" + training.epochs(), r);
    }, m -> Map.of(), List.of(), null, masks, listener.progress("gradual")).model();
    return new ScheduleResult(trained, steps, epochs, masks.current());
  }
}
