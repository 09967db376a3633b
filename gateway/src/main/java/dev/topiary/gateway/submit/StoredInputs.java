package dev.topiary.gateway.submit;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.gateway.upload.OnnxUploads;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.pipeline.job.ModelSource;
import dev.topiary.pipeline.job.ReplayCheck;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.store.ArtifactIntegrityException;
import dev.topiary.pipeline.store.ArtifactNotFoundException;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of what a valid spec cites in the store, for one tenant: a stored graph, weights and
 * an {@code s3://} dataset must be the tenant's own uploads ({@code uploads/<tenant>/...} in the
 * store's bucket), exist, and match the cited hash and size; the graph must read strictly. A cited
 * {@code model.onnx} must be an ONNX upload: the model folder its upload imported beside it
 * ({@code graph.json}, {@code weights.safetensors}, written by the gateway only) is what the job
 * starts from, its graph read hash-verified. A local dataset path is refused unless the gateway
 * allows them. A {@code model.replay} may cite the tenant's uploads or its jobs' artifacts; its
 * history must fit the job's model ({@link #replayProblems}). One instance per submission.
 */
final class StoredInputs {
  private static final String ONNX_FIELD = "model.onnx";
  private static final String ONNX_FILE = OnnxUploads.ONNX_PART;

  private final ArtifactStore store;
  private final String tenant;
  private final boolean allowLocalDatasets;
  private final java.util.function.Predicate<String> ownJob;
  private final List<SpecProblem> problems = new ArrayList<>();
  private ModelRef imported;
  private Graph replayGraph;
  private List<PruningStep> replayHistory;

  StoredInputs(ArtifactStore store, String tenant, boolean allowLocalDatasets) {
    this(store, tenant, allowLocalDatasets, jobId -> false);
  }

  /** @param ownJob whether a job id is one of the tenant's jobs, whose artifacts {@code model.replay} may cite */
  StoredInputs(ArtifactStore store, String tenant, boolean allowLocalDatasets, java.util.function.Predicate<String> ownJob) {
    this.store = store;
    this.tenant = tenant;
    this.allowLocalDatasets = allowLocalDatasets;
    this.ownJob = ownJob;
  }

  /** Runs every check; returns the stored or imported graph when the spec cites one and it reads. */
  Optional<Graph> check(JobSpec spec) {
    ModelSource model = spec.model();
    Graph graph = null;
    if (model.graph() != null && owned("model.graph", model.graph())) {
      graph = readGraph("model.graph", model.graph());
    }
    if (model.onnx() != null && owned(ONNX_FIELD, model.onnx()) && present(ONNX_FIELD, model.onnx())) {
      graph = imported(model.onnx());
    }
    if (model.weights() != null && owned("model.weights", model.weights())) {
      present("model.weights", model.weights());
    }
    if (model.replay() != null) {
      replay(model.replay());
    }
    String uri = spec.dataset().uri();
    if (uri != null) {
      checkDataset(uri);
    }
    return Optional.ofNullable(graph);
  }

  List<SpecProblem> problems() {
    return problems;
  }

  /** For a spec citing {@code model.onnx} that checked out: the imported model folder the job starts from. */
  Optional<ModelRef> importedModel() {
    return Optional.ofNullable(imported);
  }

  /**
   * The problems of replaying {@code model.replay}'s history onto the job's model graph ({@link
   * ReplayCheck}); empty when the spec replays nothing or its parts did not read (said already).
   */
  List<SpecProblem> replayProblems(Graph checkpoint) {
    return replayGraph == null || replayHistory == null ? List.of() : ReplayCheck.problems(checkpoint, replayHistory, replayGraph);
  }

  /** Reads the pruned model's graph and history cited by {@code model.replay}: an upload's or one of the tenant's jobs' artifacts. */
  private void replay(ModelSource.Replay r) {
    if (ownedOrJobs("model.replay.graph", r.graph())) {
      replayGraph = readGraph("model.replay.graph", r.graph());
    }
    if (ownedOrJobs("model.replay.history", r.history()) && present("model.replay.history", r.history())) {
      try {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("replay-");
        try {
          replayHistory = Model.readHistory(store.get(r.history(), dir.resolve(Model.HISTORY_FILE)));
        } finally {
          java.nio.file.Files.deleteIfExists(dir.resolve(Model.HISTORY_FILE));
          java.nio.file.Files.deleteIfExists(dir);
        }
      } catch (TopiaryException e) {
        problems.add(new SpecProblem("model.replay.history", "not a pruning history: " + e.getMessage()));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read the cited history " + r.history().key(), e);
      }
    }
  }

  /** An upload of the tenant, or an artifact of one of the tenant's jobs ({@code jobs/<id>/...}). */
  private boolean ownedOrJobs(String field, ArtifactRef ref) {
    String key = ref.key();
    if (ref.bucket().equals(store.bucket()) && key.startsWith(Keys.JOBS_PREFIX)) {
      String jobId = key.substring(Keys.JOBS_PREFIX.length()).split("/", 2)[0];
      if (ownJob.test(jobId)) {
        return true;
      }
      problems.add(new SpecProblem(field, "s3://" + ref.bucket() + "/" + key + " is not an artifact of one of your jobs"));
      return false;
    }
    return owned(field, ref);
  }

  /** The graph imported at upload beside the cited file; sets {@link #imported}. */
  private Graph imported(ArtifactRef onnx) {
    String file = "/" + ONNX_FILE;
    if (!onnx.key().endsWith(file)) {
      problems.add(new SpecProblem(ONNX_FIELD, onnx.key() + " is not an uploaded " + ONNX_FILE + " (POST /api/v1/models answers with its key)"));
      return null;
    }
    String prefix = onnx.key().substring(0, onnx.key().length() - ONNX_FILE.length());
    Optional<ArtifactRef> graph = store.find(prefix + Model.GRAPH_FILE);
    Optional<ArtifactRef> weights = store.find(prefix + Model.WEIGHTS_FILE);
    if (graph.isEmpty() || weights.isEmpty()) {
      problems.add(new SpecProblem(ONNX_FIELD, "the upload under " + prefix + " lacks the model imported from it; upload the file again"));
      return null;
    }
    Graph g = readGraph(ONNX_FIELD, graph.get());
    if (g != null) {
      imported = new ModelRef(graph.get(), weights.get(), store.find(prefix + Model.HISTORY_FILE).orElse(null));
    }
    return g;
  }

  private boolean owned(String field, ArtifactRef ref) {
    String mine = Keys.tenantUploads(tenant);
    if (!ref.bucket().equals(store.bucket()) || !ref.key().startsWith(mine)) {
      problems.add(new SpecProblem(field, "s3://" + ref.bucket() + "/" + ref.key() + " is not one of your uploads: expected a key under s3://"
          + store.bucket() + "/" + mine + " (POST /api/v1/models answers with it)"));
      return false;
    }
    return true;
  }

  private Graph readGraph(String field, ArtifactRef ref) {
    try {
      return GraphJson.read(new String(store.getBytes(ref), StandardCharsets.UTF_8), ref.key());
    } catch (ArtifactNotFoundException e) {
      problems.add(new SpecProblem(field, "no stored object at " + ref.key()));
    } catch (ArtifactIntegrityException e) {
      problems.add(new SpecProblem(field, "the stored object " + ref.key() + " does not match the cited sha256 and size"));
    } catch (TopiaryException | IllegalArgumentException e) {
      problems.add(new SpecProblem(field, "not a valid graph.json: " + e.getMessage()));
    }
    return null;
  }

  private boolean present(String field, ArtifactRef ref) {
    Optional<ArtifactRef> stored = store.find(ref.key());
    if (stored.isEmpty()) {
      problems.add(new SpecProblem(field, "no stored object at " + ref.key()));
      return false;
    }
    if (!stored.get().sha256().equals(ref.sha256()) || stored.get().size() != ref.size()) {
      problems.add(new SpecProblem(field, "the stored object " + ref.key() + " has sha256 " + stored.get().sha256() + " and "
          + stored.get().size() + " bytes, not the cited " + ref.sha256() + " and " + ref.size()));
      return false;
    }
    return true;
  }

  private void checkDataset(String uri) {
    if (!uri.startsWith("s3://")) {
      if (!allowLocalDatasets) {
        problems.add(new SpecProblem("dataset.uri", "local paths are not accepted by this gateway; upload the dataset "
            + "(POST /api/v1/datasets) and cite the s3:// uri it answers with"));
      }
      return;
    }
    String want = "s3://" + store.bucket() + "/" + Keys.tenantUploads(tenant);
    if (!uri.startsWith(want)) {
      problems.add(new SpecProblem("dataset.uri", uri + " is not one of your uploads: expected a uri under " + want));
      return;
    }
    String prefix = uri.substring(("s3://" + store.bucket() + "/").length()).replaceAll("/+$", "") + "/";
    try {
      if (store.list(prefix).isEmpty()) {
        problems.add(new SpecProblem("dataset.uri", "no uploaded dataset under " + uri));
      }
    } catch (IllegalArgumentException e) {
      problems.add(new SpecProblem("dataset.uri", e.getMessage()));
    }
  }
}
