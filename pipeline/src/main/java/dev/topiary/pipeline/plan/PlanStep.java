package dev.topiary.pipeline.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.job.FitSpec;
import java.util.List;

/**
 * One step of a {@link JobPlan}: its index (from 1), its {@link StepKind} and the stage that runs
 * it, and the parameters particular to it. Settings that are the job's as a whole (dataset, model
 * source, criterion, selection, slimming percent, N:M pattern, eval settings, seed) are read from
 * {@link JobPlan#spec}; a step carries what differs from step to step or what the compiler derived
 * (fit settings, group counts, FLOPs targets, per-epoch sparsities). Immutable records; in JSON an
 * object with {@code kind}, {@code index}, {@code stage} and the record's fields.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(PlanStep.TrainBaseline.class), @JsonSubTypes.Type(PlanStep.Evaluate.class),
    @JsonSubTypes.Type(PlanStep.Rank.class), @JsonSubTypes.Type(PlanStep.Prune.class),
    @JsonSubTypes.Type(PlanStep.PruneGroup.class), @JsonSubTypes.Type(PlanStep.PruneToFlops.class),
    @JsonSubTypes.Type(PlanStep.Slim.class), @JsonSubTypes.Type(PlanStep.Mask.class), @JsonSubTypes.Type(PlanStep.NmMask.class),
    @JsonSubTypes.Type(PlanStep.Finetune.class), @JsonSubTypes.Type(PlanStep.SparsityTrain.class),
    @JsonSubTypes.Type(PlanStep.GradualTune.class), @JsonSubTypes.Type(PlanStep.Sensitivity.class),
    @JsonSubTypes.Type(PlanStep.PrunePerGroup.class), @JsonSubTypes.Type(PlanStep.Replay.class),
    @JsonSubTypes.Type(PlanStep.MaskToSparsity.class)})
@JsonIgnoreProperties(value = "stage", allowGetters = true)
public sealed interface PlanStep {
  /** The position in the plan, from 1; the submission is step 0. */
  int index();

  StepKind kind();

  /** The stage that runs this step. */
  @JsonProperty("stage")
  default Stage stage() {
    return kind().stage();
  }

  /** A step the fine-tune stage runs as epochs of training; its last {@code EpochTuned} ends it. */
  sealed interface TuningStep extends PlanStep {
    FitSpec fit();

    default int epochs() {
      return fit().epochs();
    }
  }

  private static void checkIndex(int index) {
    if (index < 1) {
      throw new IllegalArgumentException("index: plan steps count from 1, got " + index);
    }
  }

  private static void checkFit(FitSpec fit) {
    if (fit == null || fit.epochs() == null || fit.epochs() < 1) {
      throw new IllegalArgumentException("fit: a tuning step needs at least 1 epoch, got " + (fit == null ? null : fit.epochs()));
    }
  }

  /** Train the model from the spec (zoo or stored graph, initialised from the seed) to a baseline. */
  @JsonTypeName(StepKind.Ids.TRAIN_BASELINE)
  record TrainBaseline(int index, FitSpec fit) implements TuningStep {
    public TrainBaseline {
      checkIndex(index);
      checkFit(fit);
    }

    @Override
    public StepKind kind() {
      return StepKind.TRAIN_BASELINE;
    }
  }

  /** Measure the current model with {@code spec.eval}; the baseline before any cut, or the final result. */
  @JsonTypeName(StepKind.Ids.EVALUATE)
  record Evaluate(int index, boolean baseline) implements PlanStep {
    public Evaluate {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.EVALUATE;
    }
  }

  /** Score every prunable group of the current model with {@code spec.prune.criterion}. */
  @JsonTypeName(StepKind.Ids.RANK)
  record Rank(int index) implements PlanStep {
    public Rank {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.RANK;
    }
  }

  /** Cut once by {@code spec.prune.select}'s channel method, from the last scores. */
  @JsonTypeName(StepKind.Ids.PRUNE)
  record Prune(int index) implements PlanStep {
    public Prune {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.PRUNE;
    }
  }

  /**
   * Cut one group (layer-by-layer): remove its {@code channelsBefore - channelsAfter}
   * lowest-scored units by the scores taken once on the original model. Cutting a group never
   * renumbers another group's units, so those scores stay valid as the model shrinks.
   *
   * @param group the group's name, its first producer node
   * @param ordinal this group's place among the groups cut, from 1
   * @param groups the number of groups cut
   */
  @JsonTypeName(StepKind.Ids.PRUNE_GROUP)
  record PruneGroup(int index, String group, int channelsBefore, int channelsAfter, int ordinal, int groups) implements PlanStep {
    public PruneGroup {
      checkIndex(index);
      if (group == null || group.isBlank()) {
        throw new IllegalArgumentException("group: required");
      }
      if (channelsAfter < 1 || channelsAfter >= channelsBefore) {
        throw new IllegalArgumentException("channelsAfter: must be in [1, " + channelsBefore + "), got " + channelsAfter);
      }
      if (ordinal < 1 || ordinal > groups) {
        throw new IllegalArgumentException("ordinal: must be in [1, " + groups + "], got " + ordinal);
      }
    }

    @Override
    public StepKind kind() {
      return StepKind.PRUNE_GROUP;
    }
  }

  /**
   * Cut the current model, from the scores just taken, to {@code flopsReduction} of the original
   * MACs removed (cumulative): the relative target is {@code 1 - originalMacs * (1 -
   * flopsReduction) / currentMacs}.
   *
   * @param ordinal this stage, from 1
   * @param stages the number of stages
   */
  @JsonTypeName(StepKind.Ids.PRUNE_TO_FLOPS)
  record PruneToFlops(int index, int ordinal, int stages, double flopsReduction, long originalMacs) implements PlanStep {
    public PruneToFlops {
      checkIndex(index);
      if (ordinal < 1 || ordinal > stages) {
        throw new IllegalArgumentException("ordinal: must be in [1, " + stages + "], got " + ordinal);
      }
      if (!(flopsReduction > 0 && flopsReduction < 1)) {
        throw new IllegalArgumentException("flopsReduction: must be in (0, 1), got " + flopsReduction);
      }
      if (originalMacs < 1) {
        throw new IllegalArgumentException("originalMacs: must be >= 1, got " + originalMacs);
      }
    }

    @Override
    public StepKind kind() {
      return StepKind.PRUNE_TO_FLOPS;
    }
  }

  /** Network slimming's cut: one global |gamma| threshold at {@code spec.schedule.percent}. */
  @JsonTypeName(StepKind.Ids.SLIM)
  record Slim(int index) implements PlanStep {
    public Slim {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.SLIM;
    }
  }

  /** Unstructured magnitude masks by {@code spec.prune.select} (sparsity rules or global sparsity). */
  @JsonTypeName(StepKind.Ids.MASK)
  record Mask(int index) implements PlanStep {
    public Mask {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.MASK;
    }
  }

  /**
   * One stage of unstructured static pruning (Paddle's multi-stage): mask the current model to
   * {@code sparsity} of all Conv and Gemm weights by global magnitude, keeping the masks it has.
   *
   * @param ordinal this stage, from 1
   * @param stages the number of stages
   */
  @JsonTypeName(StepKind.Ids.MASK_TO_SPARSITY)
  record MaskToSparsity(int index, int ordinal, int stages, double sparsity) implements PlanStep {
    public MaskToSparsity {
      checkIndex(index);
      if (ordinal < 1 || ordinal > stages) {
        throw new IllegalArgumentException("ordinal: must be in [1, " + stages + "], got " + ordinal);
      }
      if (!(sparsity > 0 && sparsity < 1)) {
        throw new IllegalArgumentException("sparsity: must be in (0, 1), got " + sparsity);
      }
    }

    @Override
    public StepKind kind() {
      return StepKind.MASK_TO_SPARSITY;
    }
  }

  /** N:M masks by {@code spec.prune.select.nm}. */
  @JsonTypeName(StepKind.Ids.NM_MASK)
  record NmMask(int index) implements PlanStep {
    public NmMask {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.NM_MASK;
    }
  }

  /** Fine-tune the current model, keeping its masks if it has any. */
  @JsonTypeName(StepKind.Ids.FINETUNE)
  record Finetune(int index, FitSpec fit) implements TuningStep {
    public Finetune {
      checkIndex(index);
      checkFit(fit);
    }

    @Override
    public StepKind kind() {
      return StepKind.FINETUNE;
    }
  }

  /** Slimming's sparsity training: L1 on BN gammas ({@code spec.schedule.sr}, {@code srDecay}). */
  @JsonTypeName(StepKind.Ids.SPARSITY_TRAIN)
  record SparsityTrain(int index, FitSpec fit) implements TuningStep {
    public SparsityTrain {
      checkIndex(index);
      checkFit(fit);
    }

    @Override
    public StepKind kind() {
      return StepKind.SPARSITY_TRAIN;
    }
  }

  /**
   * Train while magnitude masks over all Conv and Gemm weights rise: before epoch {@code e}
   * (0-based) prune to {@code sparsityPerEpoch[e]}, keeping earlier zeros. One step rather than a
   * prune and a tune per update, because the optimizer's momentum must survive mask updates.
   */
  @JsonTypeName(StepKind.Ids.GRADUAL_TUNE)
  record GradualTune(int index, FitSpec fit, List<Double> sparsityPerEpoch) implements TuningStep {
    public GradualTune {
      checkIndex(index);
      checkFit(fit);
      sparsityPerEpoch = List.copyOf(sparsityPerEpoch);
      if (sparsityPerEpoch.size() != fit.epochs()) {
        throw new IllegalArgumentException("sparsityPerEpoch: one per epoch, expected " + fit.epochs() + ", got " + sparsityPerEpoch.size());
      }
    }

    @Override
    public StepKind kind() {
      return StepKind.GRADUAL_TUNE;
    }
  }

  /**
   * Sensitivity analysis of the current model ({@code spec.schedule}, mode sensitivity): score its
   * groups by {@code spec.prune.criterion}, prune each alone at each ratio and measure the accuracy,
   * then choose per-group counts for the FLOPs target within the drop budget. Stores the scores, the
   * curves with the choice ({@code sensitivity.json}) and their plot ({@code sensitivity.svg}).
   */
  @JsonTypeName(StepKind.Ids.SENSITIVITY)
  record Sensitivity(int index) implements PlanStep {
    public Sensitivity {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.SENSITIVITY;
    }
  }

  /** Cut each group to the count the sensitivity step before chose, its lowest-scored units going. */
  @JsonTypeName(StepKind.Ids.PRUNE_PER_GROUP)
  record PrunePerGroup(int index) implements PlanStep {
    public PrunePerGroup {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.PRUNE_PER_GROUP;
    }
  }

  /** Apply the pruning history of {@code spec.model.replay} to the current model (the checkpoint). */
  @JsonTypeName(StepKind.Ids.REPLAY)
  record Replay(int index) implements PlanStep {
    public Replay {
      checkIndex(index);
    }

    @Override
    public StepKind kind() {
      return StepKind.REPLAY;
    }
  }
}
