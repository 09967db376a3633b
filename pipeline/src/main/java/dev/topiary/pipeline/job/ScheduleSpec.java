package dev.topiary.pipeline.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.topiary.engine.prune.sparse.LayerSelector;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.prune.sparse.SparsitySchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * The schedule that interleaves cutting and fine-tuning, one record per {@link ScheduleMode}. In
 * JSON a flat object: {@code mode} and that mode's settings. Immutable; a null component was not
 * given (the validator reports the required ones).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "mode")
@JsonSubTypes({
    @JsonSubTypes.Type(ScheduleSpec.OneShot.class), @JsonSubTypes.Type(ScheduleSpec.Layerwise.class),
    @JsonSubTypes.Type(ScheduleSpec.Stages.class), @JsonSubTypes.Type(ScheduleSpec.Gradual.class),
    @JsonSubTypes.Type(ScheduleSpec.Slimming.class), @JsonSubTypes.Type(ScheduleSpec.Sensitivity.class),
    @JsonSubTypes.Type(ScheduleSpec.Finetune.class)})
public sealed interface ScheduleSpec {
  ScheduleMode mode();

  /** @param finetune after the cut */
  @JsonTypeName("oneshot")
  record OneShot(FitSpec finetune) implements ScheduleSpec {
    @Override
    public ScheduleMode mode() {
      return ScheduleMode.ONESHOT;
    }
  }

  /**
   * @param perStep after each group's cut (0 epochs: none)
   * @param finalTune after the last cut
   */
  @JsonTypeName("layerwise")
  record Layerwise(FitSpec perStep, FitSpec finalTune) implements ScheduleSpec {
    @Override
    public ScheduleMode mode() {
      return ScheduleMode.LAYERWISE;
    }
  }

  /**
   * Channel stages take {@code flopsReductions}; unstructured stages (Paddle's static multi-stage
   * pruning) take {@code sparsities}, one global magnitude sparsity over all Conv and Gemm weights
   * per stage, each stage keeping the zeros of the stages before.
   *
   * @param flopsReductions channel: cumulative fractions of the original MACs removed, strictly rising in (0, 1)
   * @param perStage after each stage's cut
   * @param sparsities unstructured: the sparsity of each stage, strictly rising in (0, 1)
   */
  @JsonTypeName("stages")
  record Stages(List<Double> flopsReductions, FitSpec perStage, List<Double> sparsities) implements ScheduleSpec {
    public Stages {
      flopsReductions = Lists.copy(flopsReductions);
      sparsities = Lists.copy(sparsities);
    }

    /** Channel stages. */
    public Stages(List<Double> flopsReductions, FitSpec perStage) {
      this(flopsReductions, perStage, null);
    }

    @Override
    public ScheduleMode mode() {
      return ScheduleMode.STAGES;
    }
  }

  /**
   * Gradual magnitude pruning during one training run: before each epoch the masks rise to the
   * curve's sparsity (keeping earlier zeros), over all Conv and Gemm weights. With {@code
   * prune.select.sparsityRules} each layer a rule selects ends at its rule's sparsity instead of
   * {@code targetSparsity}, every layer at the same point of the curve ({@link #layerTargets}).
   *
   * @param curve {@code agp} (Zhu and Gupta's cubic) or {@code log} (Paddle's dynamic pruning)
   * @param initialSparsity sparsity of the first update, in [0, 1)
   * @param targetSparsity sparsity from {@code endEpoch} on, in [initialSparsity, 1)
   * @param startEpoch first update (0-based); dense before
   * @param endEpoch the target is reached here; at most {@code finetune.epochs}
   * @param interval epochs between updates
   * @param finetune the training run the masks rise in
   */
  @JsonTypeName("gradual")
  record Gradual(String curve, double initialSparsity, Double targetSparsity, int startEpoch, Integer endEpoch, int interval,
      FitSpec finetune) implements ScheduleSpec {
    public static final List<String> CURVES = List.of("agp", "log");

    @Override
    public ScheduleMode mode() {
      return ScheduleMode.GRADUAL;
    }

    /** The curve as the engine computes it; throws on values a validated spec never has. */
    public SparsitySchedule sparsitySchedule() {
      return "log".equals(curve)
          ? new SparsitySchedule.PaddleLog(initialSparsity, targetSparsity, startEpoch, endEpoch, interval)
          : new SparsitySchedule.Agp(initialSparsity, targetSparsity, startEpoch, endEpoch, interval);
    }

    /**
     * The final sparsity of every Conv and Gemm layer: {@code targetSparsity}, overridden by the
     * rules that select it (a rule of 0 keeps a layer dense). Each layer then rises as {@code
     * final * curve(e) / targetSparsity}, so that all reach their targets together.
     *
     * @param rules {@code prune.select.sparsityRules}, or null for every layer at {@code targetSparsity}
     */
    public SparsityRules layerTargets(String rules) {
      SparsityRules.Builder b = SparsityRules.builder().add(LayerSelector.all(), targetSparsity);
      if (rules != null) {
        SparsityRules.parse(rules).rules().forEach(r -> b.add(r.selector(), r.sparsity()));
      }
      return b.build();
    }

    /** The target sparsity of each epoch of {@code finetune}, from epoch 0. */
    public List<Double> sparsityPerEpoch() {
      SparsitySchedule s = sparsitySchedule();
      List<Double> out = new ArrayList<>();
      for (int e = 0; e < finetune.epochs(); e++) {
        out.add(s.sparsity(e));
      }
      return List.copyOf(out);
    }
  }

  /**
   * @param sr L1 strength on BN gammas during sparsity training, >= 0
   * @param srDecay decay sr linearly to 10% over the sparsity-training epochs
   * @param sparsityTraining the sparsity-training run (0 epochs: cut the model as it is)
   * @param percent fraction of BN channels removed by one global |gamma| threshold, in (0, 1)
   * @param finetune after the cut
   * @param minKept per group, keep at least this many channels; null for 0
   * @param minKeptFraction per group, keep at least this fraction of the channels; null for 0
   * @param roundTo round each group's kept count up to a multiple of this; null for 1
   * @param skipShortcuts leave residual (shortcut) groups uncut, as the seed's yolov5prune; null for false
   */
  @JsonTypeName("slimming")
  record Slimming(double sr, boolean srDecay, FitSpec sparsityTraining, Double percent, FitSpec finetune, Integer minKept,
      Double minKeptFraction, Integer roundTo, Boolean skipShortcuts) implements ScheduleSpec {
    /** A cut without floor, rounding or skipped shortcuts. */
    public Slimming(double sr, boolean srDecay, FitSpec sparsityTraining, Double percent, FitSpec finetune) {
      this(sr, srDecay, sparsityTraining, percent, finetune, null, null, null, null);
    }

    /** The engine's cut; throws as {@link dev.topiary.engine.prune.schedule.SlimmingCut} does on values a validated spec never has. */
    public dev.topiary.engine.prune.schedule.SlimmingCut cut() {
      return new dev.topiary.engine.prune.schedule.SlimmingCut(minKept == null ? 0 : minKept, minKeptFraction == null ? 0 : minKeptFraction,
          roundTo == null ? 1 : roundTo, skipShortcuts != null && skipShortcuts);
    }

    @Override
    public ScheduleMode mode() {
      return ScheduleMode.SLIMMING;
    }
  }

  /**
   * Sensitivity analysis, then the cut it chooses: every prunable group is pruned alone at each of
   * {@code ratios} (its lowest-scored units by {@code prune.criterion}) without fine-tuning, and
   * the accuracy measured on {@code probeBatches} test batches; per-group ratios are then chosen
   * that remove {@code targetFlopsReduction} of the MACs with no group's drop over {@code
   * maxAccuracyDrop} ({@link dev.topiary.engine.prune.sensitivity.SensitivityPlanner}).
   *
   * @param ratios the ratios tried per group, strictly rising in (0, 1)
   * @param maxAccuracyDrop the largest accuracy drop a group's ratio may cost, a fraction in (0, 1)
   * @param targetFlopsReduction the fraction of the MACs to remove, in (0, 1)
   * @param probeBatches test batches each probe is measured on, >= 1
   * @param finetune after the cut
   */
  @JsonTypeName("sensitivity")
  record Sensitivity(List<Double> ratios, Double maxAccuracyDrop, Double targetFlopsReduction, int probeBatches, FitSpec finetune)
      implements ScheduleSpec {
    public static final List<Double> DEFAULT_RATIOS = java.util.Arrays.stream(dev.topiary.engine.prune.sensitivity.SensitivityAnalysis.DEFAULT_RATIOS)
        .boxed().toList();
    public static final int DEFAULT_PROBE_BATCHES = 4;

    public Sensitivity {
      ratios = Lists.copy(ratios);
    }

    @Override
    public ScheduleMode mode() {
      return ScheduleMode.SENSITIVITY;
    }
  }

  /**
   * No cut of its own: fine-tune the model as it comes, for a job whose cut is another model's
   * pruning history replayed onto its checkpoint ({@code model.replay}).
   *
   * @param finetune the training run, at least 1 epoch
   */
  @JsonTypeName("finetune")
  record Finetune(FitSpec finetune) implements ScheduleSpec {
    @Override
    public ScheduleMode mode() {
      return ScheduleMode.FINETUNE;
    }
  }
}
