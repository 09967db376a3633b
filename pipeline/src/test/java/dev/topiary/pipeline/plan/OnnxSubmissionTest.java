package dev.topiary.pipeline.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.zoo.Zoo;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.job.JobSpec;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ModelRef;
import dev.topiary.testsupport.S3Server;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A spec citing {@code model.onnx}: it reads without a baseline, and its submission carries the caller's import as step 0's model. */
class OnnxSubmissionTest {
  private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final String SPEC = """
      name: from-onnx
      model: {onnx: {bucket: topiary, key: uploads/acme/models/m-1/model.onnx, sha256: %s, size: 9}}
      dataset: {kind: fashion-mnist}
      prune: {criterion: l1, select: {globalRatio: 0.5}}
      schedule: {mode: oneshot, finetune: {epochs: 1}}
      """.formatted(SHA);

  private static S3Server server;
  private static ArtifactStore store;

  @BeforeAll
  static void start() {
    server = S3Server.start();
    server.createBucket("topiary");
    store = ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey())
        .setSecretKey(server.secretKey()).setBucket("topiary").build();
  }

  @AfterAll
  static void stop() {
    store.close();
    server.close();
  }

  @Test
  void anOnnxModelHasWeightsSoThePlanStartsWithTheBaselineEvaluation() {
    JobSpec spec = JobSpecs.parseYaml(SPEC);
    assertEquals("uploads/acme/models/m-1/model.onnx", spec.model().onnx().key());
    assertTrue(spec.model().hasWeights());
    assertFalse(spec.trainsBaseline());
    assertEquals(spec, JobSpecs.parseJson(JobSpecs.toJson(spec)), "the canonical JSON keeps model.onnx");
  }

  @Test
  void theSubmissionCarriesTheImportedGraphAndWeights() {
    JobSpec spec = JobSpecs.parseYaml(SPEC);
    Graph graph = Zoo.build("lenet5");
    ArtifactRef g = store.put("uploads/acme/models/m-1/graph.json", "{}".getBytes(StandardCharsets.UTF_8));
    ArtifactRef w = store.put("uploads/acme/models/m-1/weights.safetensors", new byte[] {1, 2, 3});
    ModelRef imported = new ModelRef(g, w, null);

    Submission s = Submission.builder().setStore(store).setJobId("onnx-job").setSpec(spec).optImported(graph, imported).build();
    assertTrue(s.plan().step(1) instanceof PlanStep.Evaluate, "no train-baseline step: the file holds trained weights");
    JobSubmitted event = s.store();
    assertEquals(imported, event.artifacts().model());
  }

  @Test
  void refusesAnOnnxSpecWithoutItsImportAndAnImportWithoutOnnx() {
    JobSpec spec = JobSpecs.parseYaml(SPEC);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Submission.builder().setStore(store).setJobId("onnx-missing").setSpec(spec).build());
    assertTrue(missing.getMessage().startsWith("imported: required for a spec citing model.onnx"), missing.getMessage());

    JobSpec zoo = JobSpecs.parseYaml(SPEC.replace("{onnx: {bucket: topiary, key: uploads/acme/models/m-1/model.onnx, sha256: " + SHA
        + ", size: 9}}", "{zoo: lenet5}") + "baseline: {epochs: 1}\n");
    ArtifactRef g = new ArtifactRef("topiary", "k/graph.json", SHA, 2);
    IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> Submission.builder().setStore(store)
        .setJobId("zoo-extra").setSpec(zoo).optImported(Zoo.build("lenet5"), new ModelRef(g, g, null)).build());
    assertTrue(extra.getMessage().startsWith("imported: only for a spec citing model.onnx"), extra.getMessage());
  }
}
