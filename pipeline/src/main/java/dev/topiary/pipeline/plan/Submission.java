package dev.topiary.pipeline.plan;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.JobIds;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.ModelSource;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What accepting a job does, whoever accepts it (the gateway, an in-process run): compile the plan
 * from a valid spec and the model's graph, store {@code plan.json} (and, for a zoo model given
 * with weights, its {@code graph.json} as step 0's), and build the {@link JobSubmitted} that
 * announces the job. Publishing the event is the caller's part. A spec citing {@code model.onnx}
 * needs the caller's import of it ({@link Builder#optImported}): the job then runs on that graph
 * and those weights, as a stored-graph job does.
 *
 * <p>Lifecycle: build (the plan is compiled then, so a refusal stores nothing), then {@link
 * #store()} once. If storing fails halfway, what was written under {@code jobs/<jobId>/} is
 * deleted before the exception propagates; a caller whose publish fails afterwards deletes the
 * same prefix ({@link Keys#job}).
 */
public final class Submission {
  private final ArtifactStore store;
  private final String jobId;
  private final JobSpec spec;
  private final Graph graph;
  private final ModelRef imported;
  private final String tenant;
  private final String requestId;
  private final Instant occurredAt;
  private final JobPlan plan;

  private Submission(Builder b) {
    store = b.store;
    jobId = b.jobId;
    spec = b.spec;
    graph = b.graph != null ? b.graph : graphOf(store, spec);
    imported = b.imported;
    tenant = b.tenant;
    requestId = b.requestId;
    occurredAt = b.occurredAt != null ? b.occurredAt : Instant.now();
    plan = PlanCompiler.compile(jobId, spec, graph);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compiles and stores the plan of {@code spec} as job {@code jobId} with no tenant or request:
   * the whole lifecycle in one call, for in-process runs and tests.
   *
   * @throws IllegalArgumentException when the spec does not fit its graph (naming the field)
   */
  public static JobSubmitted prepare(ArtifactStore store, String jobId, JobSpec spec, Instant now) {
    return builder().setStore(store).setJobId(jobId).setSpec(spec).optOccurredAt(now).build().store();
  }

  /**
   * The model's graph: the zoo's for a zoo model, else the stored {@code graph.json} (hash-verified
   * and strictly read).
   *
   * @throws IllegalStateException for an ONNX model, whose graph is the caller's import
   */
  public static Graph graphOf(ArtifactStore store, JobSpec spec) {
    ModelSource source = spec.model();
    if (source.onnx() != null) {
      throw new IllegalStateException("spec '" + spec.name() + "' cites model.onnx: pass the imported graph and weights (optImported)");
    }
    if (source.graph() == null) {
      return JobSpecs.zooGraph(spec);
    }
    return GraphJson.read(new String(store.getBytes(source.graph()), StandardCharsets.UTF_8), source.graph().key());
  }

  /** The compiled plan. */
  public JobPlan plan() {
    return plan;
  }

  public Graph graph() {
    return graph;
  }

  /**
   * Stores the plan (and a zoo graph that comes with weights) and returns the submission event.
   *
   * @throws RuntimeException from the store, after deleting what this call wrote
   */
  public JobSubmitted store() {
    try {
      ArtifactRef planRef = store.put(Keys.plan(jobId), PlanJson.toBytes(plan));
      ModelSource source = spec.model();
      Artifacts artifacts = Artifacts.NONE;
      if (imported != null) {
        artifacts = Artifacts.of(imported);
      } else if (source.weights() != null) {
        ArtifactRef graphRef = source.graph() != null ? source.graph()
            : store.put(Keys.step(jobId, 0, "submit", Model.GRAPH_FILE), GraphJson.write(graph).getBytes(StandardCharsets.UTF_8));
        artifacts = Artifacts.of(new ModelRef(graphRef, source.weights(), null));
      }
      return new JobSubmitted(jobId, 0, 1, occurredAt, spec.name(), plan.steps().size(), planRef, artifacts, tenant, requestId);
    } catch (RuntimeException e) {
      store.delete(Keys.job(jobId));
      throw e;
    }
  }

  /** Collects a submission's parts; {@link #build} validates them and compiles the plan. */
  public static final class Builder {
    private ArtifactStore store;
    private String jobId;
    private JobSpec spec;
    private Graph graph;
    private ModelRef imported;
    private String tenant;
    private String requestId;
    private Instant occurredAt;

    private Builder() {}

    public Builder setStore(ArtifactStore store) {
      this.store = store;
      return this;
    }

    /** The server's id for the job ({@link JobIds}). */
    public Builder setJobId(String jobId) {
      this.jobId = jobId;
      return this;
    }

    /** A spec that {@code JobSpecs} accepted. */
    public Builder setSpec(JobSpec spec) {
      this.spec = spec;
      return this;
    }

    /** The model's graph when the caller has it already (it checked the spec against it); else {@link #graphOf}. */
    public Builder optGraph(Graph graph) {
      this.graph = graph;
      return this;
    }

    /**
     * The import of the spec's {@code model.onnx}: its graph and the stored graph and weights the
     * job starts from (step 0's model). Required exactly when the spec cites {@code model.onnx}.
     */
    public Builder optImported(Graph graph, ModelRef model) {
      this.graph = graph;
      this.imported = model;
      return this;
    }

    public Builder optTenant(String tenant) {
      this.tenant = tenant;
      return this;
    }

    public Builder optRequestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** When the job was accepted; now by default. */
    public Builder optOccurredAt(Instant occurredAt) {
      this.occurredAt = occurredAt;
      return this;
    }

    /** @throws IllegalArgumentException naming the missing or malformed part */
    public void validate() {
      if (store == null) {
        throw new IllegalArgumentException("store: required");
      }
      JobIds.check(jobId);
      if (spec == null) {
        throw new IllegalArgumentException("spec: required");
      }
      if (spec.model() == null) {
        throw new IllegalArgumentException("spec.model: required");
      }
      if ((spec.model().onnx() != null) != (imported != null)) {
        throw new IllegalArgumentException("imported: " + (imported == null
            ? "required for a spec citing model.onnx: the graph and weights imported from it"
            : "only for a spec citing model.onnx"));
      }
      if (imported != null && graph == null) {
        throw new IllegalArgumentException("imported: the imported graph is required");
      }
    }

    /**
     * Validates and compiles the plan; nothing is stored yet.
     *
     * @throws IllegalArgumentException when a part is missing, or the plan cannot be compiled
     */
    public Submission build() {
      validate();
      return new Submission(this);
    }
  }
}
