package dev.topiary.pipeline.stage;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.train.TrainingCheckpoint;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One run of one step: the plan, the step, the event that started it, and a private local folder
 * (removed on close, so that a restarted run finds its state only in the store). Gives the
 * runners their inputs from the event's artifacts (downloaded and verified) and puts their outputs
 * under the step's store folder, {@code jobs/<jobId>/<NN>-<stage>/}.
 */
final class StepWork implements AutoCloseable {
  final StageContext ctx;
  final JobPlan plan;
  final PlanStep step;
  final StepEvent input;
  /** Which run of this step this is, from 1 ({@link dev.topiary.pipeline.store.Keys#attempts}). */
  final int attempt;
  private final Path dir;

  StepWork(StageContext ctx, JobPlan plan, PlanStep step, StepEvent input, int attempt) {
    this.ctx = ctx;
    this.plan = plan;
    this.step = step;
    this.input = input;
    this.attempt = attempt;
    try {
      Files.createDirectories(ctx.workDir());
      this.dir = Files.createTempDirectory(ctx.workDir(), plan.jobId() + "-" + step.index() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a step folder in " + ctx.workDir(), e);
    }
  }

  ArtifactStore store() {
    return ctx.store();
  }

  /** The store key of one of this step's outputs. */
  String key(String name) {
    return Keys.step(plan.jobId(), step.index(), step.stage().id(), name);
  }

  /**
   * The training's checkpoint folder, holding the checkpoint an earlier run of this step uploaded
   * ({@link #uploadCheckpoint}), if any, so that training resumes after its last uploaded epoch.
   */
  Path checkpoints() {
    Path dir = local("checkpoint");
    store().find(key(TrainingCheckpoint.FILE_NAME)).ifPresent(ref -> store().get(ref, TrainingCheckpoint.fileIn(dir)));
    return dir;
  }

  /** Uploads the checkpoint the training last wrote in {@link #checkpoints()}. */
  void uploadCheckpoint() {
    store().put(key(TrainingCheckpoint.FILE_NAME), TrainingCheckpoint.fileIn(local("checkpoint")));
  }

  /** A path in the step's local folder. */
  Path local(String name) {
    return dir.resolve(name);
  }

  long seed() {
    return plan.spec().seed();
  }

  Instant now() {
    return ctx.clock().instant();
  }

  Artifacts artifacts() {
    return input.artifacts();
  }

  /**
   * The current model, from {@code artifacts.model}, verified and checked against its graph.
   *
   * @throws IllegalArgumentException when the event carries no model
   */
  Model inputModel() {
    ModelRef ref = artifacts().model();
    if (ref == null) {
      throw new IllegalArgumentException("artifacts.model: step " + step.index() + " (" + step.kind().id()
          + ") needs a model and the " + input.type().jsonName() + " event carries none");
    }
    return load(store().getModel(ref, local("in")));
  }

  /**
   * The model the baseline evaluation measured ({@code artifacts.baseline}), verified; null when
   * the event carries none (no baseline evaluated yet, or an event from before the field).
   */
  Model baselineModel() {
    ModelRef ref = artifacts().baseline();
    return ref == null ? null : load(store().getModel(ref, local("baseline")));
  }

  /** The masks of {@code artifacts.masks}, checked against the model's graph; null for a dense model. */
  SparsityMask inputMasks(Model model) {
    ArtifactRef ref = artifacts().masks();
    if (ref == null) {
      return null;
    }
    Path file = store().get(ref, local("in-" + SparsityMask.FILE_NAME));
    try {
      return SparsityMask.read(file, model.graph());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Saves a model and uploads it as this step's model. */
  ModelRef putModel(Model model) {
    Path out = local("out");
    try {
      model.save(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + out, e);
    }
    return store().putModel(Keys.stepPrefix(plan.jobId(), step.index(), step.stage().id()), out);
  }

  /** Uploads masks as this step's {@value SparsityMask#FILE_NAME}. */
  ArtifactRef putMasks(SparsityMask mask) {
    Path file = local(SparsityMask.FILE_NAME);
    try {
      mask.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return store().put(key(SparsityMask.FILE_NAME), file);
  }

  /** The job's dataset, read and fitted to the model's input. */
  DataSpec.Loaders data(Model model) {
    return ctx.dataSpec(plan.spec().dataset(), seed()).open(model.graph().inputs().get(0).shape().toArray());
  }

  static Model load(Path modelDir) {
    try {
      return Model.load(modelDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model in " + modelDir, e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove step folder " + dir, e);
    }
  }
}
