package dev.topiary.gateway.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.job.SpecProblem;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.testsupport.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec replaying a history is checked at submission: the history's parts are the tenant's uploads
 * or its jobs' artifacts, and the history fits the checkpoint's graph, else a problem names the
 * step's node and the reason (a 400).
 */
class ReplaySubmissionTest {
  @TempDir static Path tmp;
  private static S3Server s3;
  private static ArtifactStore store;
  private static ArtifactRef prunedGraph;
  private static ArtifactRef history;
  private static ArtifactRef weights;

  @BeforeAll
  static void start() throws IOException {
    s3 = S3Server.start();
    s3.createBucket("topiary");
    store = ArtifactStore.builder().setEndpoint(s3.endpoint()).setAccessKey(s3.accessKey()).setSecretKey(s3.secretKey())
        .setBucket("topiary").build();
    // zero weights built in Java: this JVM also runs Quarkus tests, whose class loader may hold libtorch already
    Graph lenet = Zoo.build("lenet5");
    Weights zeros = new Weights();
    lenet.paramShapes().forEach((key, shape) -> zeros.put(key, Tensor.zeros(shape)));
    Model m = new Model(lenet, zeros, List.of());
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model pruned = Surgery.prune(m, d, d.groupOf("conv2"), new int[] {2, 4}, "earlier job");
    pruned.save(tmp.resolve("pruned"));
    prunedGraph = store.put("jobs/job-1/05-finetune/graph.json", tmp.resolve("pruned").resolve(Model.GRAPH_FILE));
    history = store.put("jobs/job-1/05-finetune/history.json", tmp.resolve("pruned").resolve(Model.HISTORY_FILE));
    m.save(tmp.resolve("checkpoint"));
    weights = store.put("uploads/acme/models/m-1/weights.safetensors", tmp.resolve("checkpoint").resolve(Model.WEIGHTS_FILE));
  }

  @AfterAll
  static void stop() {
    store.close();
    s3.close();
  }

  @Test
  void aHistoryOfTheTenantsJobOnTheSameArchitectureIsAccepted() {
    StoredInputs inputs = new StoredInputs(store, "acme", true, "job-1"::equals);
    JobSpec spec = spec(history);
    inputs.check(spec);
    assertEquals(List.of(), inputs.problems());
    assertEquals(List.of(), inputs.replayProblems(JobSpecs.zooGraph(spec)));
  }

  @Test
  void aCheckpointOfAnotherArchitectureIsRefusedNamingTheNode() {
    StoredInputs inputs = new StoredInputs(store, "acme", true, "job-1"::equals);
    inputs.check(spec(history));
    Graph twelve = Zoo.build(ModelSpec.builder().setArch("lenet5").optNumClasses(12).build());
    List<SpecProblem> problems = inputs.replayProblems(twelve);
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("model.replay.history", problems.get(0).path());
    assertTrue(problems.get(0).message().startsWith("node 'fc3' outputs [12] after the history on the checkpoint but [10]"), problems.toString());
  }

  @Test
  void anotherTenantsJobIsNotCitable() {
    StoredInputs inputs = new StoredInputs(store, "acme", true, id -> false);
    inputs.check(spec(history));
    assertEquals(List.of("model.replay.graph", "model.replay.history"), inputs.problems().stream().map(SpecProblem::path).toList());
    assertTrue(inputs.problems().get(0).message().endsWith("is not an artifact of one of your jobs"), inputs.problems().toString());
  }

  @Test
  void aHistoryFileThatIsNotOneIsRefused() throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad-history.json"), "{\"steps\": 3}", StandardCharsets.UTF_8);
    ArtifactRef notHistory = store.put("jobs/job-1/06-finetune/history.json", bad);
    StoredInputs inputs = new StoredInputs(store, "acme", true, "job-1"::equals);
    inputs.check(spec(notHistory));
    assertEquals(List.of("model.replay.history"), inputs.problems().stream().map(SpecProblem::path).toList());
    assertTrue(inputs.problems().get(0).message().startsWith("not a pruning history"), inputs.problems().toString());
  }

  private static JobSpec spec(ArtifactRef hist) {
    return JobSpecs.parseYaml("name: r\nmodel:\n  zoo: lenet5\n  weights: " + ref(weights) + "\n  replay: {graph: " + ref(prunedGraph) + ", history: " + ref(hist) + "}\n"
        + "dataset: {kind: fashion-mnist}\nschedule: {mode: finetune, finetune: {epochs: 1}}\n");
  }

  private static String ref(ArtifactRef r) {
    return "{bucket: " + r.bucket() + ", key: " + r.key() + ", sha256: '" + r.sha256() + "', size: " + r.size() + "}";
  }
}
