package dev.topiary.pipeline.plan;

import dev.topiary.pipeline.event.Stage;
import java.util.Arrays;

/** What a plan step does, the stage that does it, and its JSON name ({@code kind}). */
public enum StepKind {
  TRAIN_BASELINE(Ids.TRAIN_BASELINE, Stage.FINETUNE),
  EVALUATE(Ids.EVALUATE, Stage.EVAL),
  RANK(Ids.RANK, Stage.RANK),
  PRUNE(Ids.PRUNE, Stage.PRUNE),
  PRUNE_GROUP(Ids.PRUNE_GROUP, Stage.PRUNE),
  PRUNE_TO_FLOPS(Ids.PRUNE_TO_FLOPS, Stage.PRUNE),
  SLIM(Ids.SLIM, Stage.PRUNE),
  MASK(Ids.MASK, Stage.PRUNE),
  NM_MASK(Ids.NM_MASK, Stage.PRUNE),
  FINETUNE(Ids.FINETUNE, Stage.FINETUNE),
  SPARSITY_TRAIN(Ids.SPARSITY_TRAIN, Stage.FINETUNE),
  GRADUAL_TUNE(Ids.GRADUAL_TUNE, Stage.FINETUNE),
  SENSITIVITY(Ids.SENSITIVITY, Stage.RANK),
  PRUNE_PER_GROUP(Ids.PRUNE_PER_GROUP, Stage.PRUNE),
  REPLAY(Ids.REPLAY, Stage.PRUNE),
  MASK_TO_SPARSITY(Ids.MASK_TO_SPARSITY, Stage.PRUNE);

  /** The JSON names, as constants for the {@code @JsonTypeName} annotations of {@link PlanStep}'s records. */
  static final class Ids {
    static final String TRAIN_BASELINE = "train-baseline";
    static final String EVALUATE = "evaluate";
    static final String RANK = "rank";
    static final String PRUNE = "prune";
    static final String PRUNE_GROUP = "prune-group";
    static final String PRUNE_TO_FLOPS = "prune-to-flops";
    static final String SLIM = "slim";
    static final String MASK = "mask";
    static final String NM_MASK = "nm-mask";
    static final String FINETUNE = "finetune";
    static final String SPARSITY_TRAIN = "sparsity-train";
    static final String GRADUAL_TUNE = "gradual-tune";
    static final String SENSITIVITY = "sensitivity";
    static final String PRUNE_PER_GROUP = "prune-per-group";
    static final String REPLAY = "replay";
    static final String MASK_TO_SPARSITY = "mask-to-sparsity";

    private Ids() {}
  }

  private final String id;
  private final Stage stage;

  StepKind(String id, Stage stage) {
    this.id = id;
    this.stage = stage;
  }

  public String id() {
    return id;
  }

  public Stage stage() {
    return stage;
  }

  public static StepKind of(String id) {
    return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("kind: unknown step kind '" + id + "'"));
  }
}
