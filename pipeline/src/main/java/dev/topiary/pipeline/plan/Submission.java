package dev.topiary.pipeline.plan;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.pipeline.event.Artifacts;
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
 * What a submission writes before the job is announced: the graph of the job's model (the zoo's,
 * or the stored one), the plan compiled from it and stored at {@link Keys#plan}, and the {@link
 * JobSubmitted} event that starts the job (step 0). The gateway publishes the event; on a failed
 * publish it deletes {@link Keys#job}.
 */
public final class Submission {
  private Submission() {}

  /**
   * Compiles and stores the plan of {@code spec} as job {@code jobId}.
   *
   * @throws IllegalArgumentException when the spec does not fit its graph (naming the field)
   */
  public static JobSubmitted prepare(ArtifactStore store, String jobId, JobSpec spec, Instant now) {
    ModelSource source = spec.model();
    Graph graph = source.graph() != null
        ? GraphJson.read(new String(store.getBytes(source.graph()), StandardCharsets.UTF_8), source.graph().key())
        : JobSpecs.zooGraph(spec);
    JobPlan plan = PlanCompiler.compile(jobId, spec, graph);
    ArtifactRef planRef = store.put(Keys.plan(jobId), PlanJson.toBytes(plan));
    Artifacts artifacts = Artifacts.NONE;
    if (source.weights() != null) {
      ArtifactRef graphRef = source.graph() != null ? source.graph()
          : store.put(Keys.step(jobId, 0, "submit", Model.GRAPH_FILE), GraphJson.write(graph).getBytes(StandardCharsets.UTF_8));
      artifacts = Artifacts.of(new ModelRef(graphRef, source.weights(), null));
    }
    return new JobSubmitted(jobId, 0, 1, now, spec.name(), plan.steps().size(), planRef, artifacts);
  }
}
