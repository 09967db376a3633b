package dev.topiary.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.topiary.gateway.Bus;
import dev.topiary.gateway.EventScript;
import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.OnnxFixtures;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** A job's models by step, and the pruned model downloaded as a zip or as ONNX. */
@QuarkusTest
class ModelDownloadTest {
  @Inject
  ArtifactStore store;

  @Test
  void listsTheModelsTheStepsProducedAndDownloadsEachAsOnnxOrZip() throws Exception {
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "models-by-step");
    EventScript script = new EventScript(store, job.event(), job.plan());
    // plan: 1 train-baseline, 2 evaluate, 3 rank, 4 prune, 5 finetune (2 epochs), 6 evaluate; step 4 writes a model of its own
    ModelRef pruned = new ModelRef(store.put(Keys.step(job.id(), 4, "prune", "graph.json"), Fixtures.lenetGraphJson()),
        store.put(Keys.step(job.id(), 4, "prune", "weights.safetensors"), Fixtures.lenetWeights()), null);
    List<PipelineEvent> events = new ArrayList<>(script.steps(1, 3));
    events.add(new LayerPruned(job.id(), 4, 1, script.end(4), job.event().plan(), Artifacts.of(pruned),
        List.of(new LayerPruned.GroupCut("conv1", 6, 3)), EventScript.PRUNED_PARAMS, 100_000, null));
    events.addAll(script.steps(5, 6));
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id() + "/model?format=onnx").then().statusCode(409);
    Bus.publish(events.toArray(PipelineEvent[]::new));
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getString("state").equals("completed"));

    JsonPath list = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id() + "/artifacts").then().statusCode(200)
        .extract().jsonPath();
    assertEquals(List.of(1, 4, 5), list.getList("models.step"), "steps that passed their input on (evaluate, rank) are left out");
    assertEquals(List.of("finetune", "prune", "finetune"), list.getList("models.stage"));
    assertEquals(List.of("train-baseline", "prune", "finetune"), list.getList("models.kind"));
    assertEquals(pruned.weights().key(), list.getString("models[1].weights.key"));

    byte[] onnx = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id() + "/model?format=onnx").then().statusCode(200)
        .header("Content-Disposition", containsString(job.id() + "-model.onnx")).extract().asByteArray();
    ModelProto proto = ModelProto.parseFrom(onnx);
    assertEquals(Fixtures.lenet().inputs().get(0).name(), proto.getGraph().getInput(0).getName());
    String output = Fixtures.lenet().outputs().get(0);
    assertEquals(output, proto.getGraph().getOutput(0).getName());
    assertEquals(20, OnnxFixtures.runOrt(onnx, new int[] {1, 28, 28}, output).length, "ONNX Runtime runs it: 2 samples x 10 classes");

    byte[] zip = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id() + "/artifacts/4/model?format=zip").then().statusCode(200)
        .extract().asByteArray();
    List<String> names = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertEquals(List.of("graph.json", "weights.safetensors"), names);
    given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs/" + job.id() + "/model?format=zip&foldBn=true").then().statusCode(400)
        .body("errors[0].field", equalTo("foldBn"));
    given().auth().oauth2(TestServers.GLOBEX).get("/api/v1/jobs/" + job.id() + "/model?format=onnx").then().statusCode(404);
  }
}
