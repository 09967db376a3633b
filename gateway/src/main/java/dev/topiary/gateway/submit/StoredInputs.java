package dev.topiary.gateway.submit;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.ModelSource;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.store.ArtifactIntegrityException;
import dev.topiary.pipeline.store.ArtifactNotFoundException;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of what a valid spec cites in the store, for one tenant: a stored graph, weights and
 * an {@code s3://} dataset must be the tenant's own uploads ({@code uploads/<tenant>/...} in the
 * store's bucket), exist, and match the cited hash and size; the graph must read strictly. A local
 * dataset path is refused unless the gateway allows them. Stateless per call.
 */
final class StoredInputs {
  private final ArtifactStore store;
  private final String tenant;
  private final boolean allowLocalDatasets;
  private final List<SpecProblem> problems = new ArrayList<>();

  StoredInputs(ArtifactStore store, String tenant, boolean allowLocalDatasets) {
    this.store = store;
    this.tenant = tenant;
    this.allowLocalDatasets = allowLocalDatasets;
  }

  /** Runs every check; returns the stored graph when the spec cites one and it reads. */
  Optional<Graph> check(JobSpec spec) {
    ModelSource model = spec.model();
    Graph graph = null;
    if (model.graph() != null && owned("model.graph", model.graph())) {
      graph = readGraph(model.graph());
    }
    if (model.weights() != null && owned("model.weights", model.weights())) {
      present("model.weights", model.weights());
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

  private boolean owned(String field, ArtifactRef ref) {
    String mine = Keys.tenantUploads(tenant);
    if (!ref.bucket().equals(store.bucket()) || !ref.key().startsWith(mine)) {
      problems.add(new SpecProblem(field, "s3://" + ref.bucket() + "/" + ref.key() + " is not one of your uploads: expected a key under s3://"
          + store.bucket() + "/" + mine + " (POST /api/v1/models answers with it)"));
      return false;
    }
    return true;
  }

  private Graph readGraph(ArtifactRef ref) {
    try {
      return GraphJson.read(new String(store.getBytes(ref), StandardCharsets.UTF_8), ref.key());
    } catch (ArtifactNotFoundException e) {
      problems.add(new SpecProblem("model.graph", "no stored object at " + ref.key()));
    } catch (ArtifactIntegrityException e) {
      problems.add(new SpecProblem("model.graph", "the stored object " + ref.key() + " does not match the cited sha256 and size"));
    } catch (TopiaryException | IllegalArgumentException e) {
      problems.add(new SpecProblem("model.graph", "not a valid graph.json: " + e.getMessage()));
    }
    return null;
  }

  private void present(String field, ArtifactRef ref) {
    Optional<ArtifactRef> stored = store.find(ref.key());
    if (stored.isEmpty()) {
      problems.add(new SpecProblem(field, "no stored object at " + ref.key()));
    } else if (!stored.get().sha256().equals(ref.sha256()) || stored.get().size() != ref.size()) {
      problems.add(new SpecProblem(field, "the stored object " + ref.key() + " has sha256 " + stored.get().sha256() + " and "
          + stored.get().size() + " bytes, not the cited " + ref.sha256() + " and " + ref.size()));
    }
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
