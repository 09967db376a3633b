package dev.topiary.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.Zoo;
import dev.topiary.testsupport.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model folders in the store, with a real (tiny) engine model. */
class ModelStoreTest {
  private static S3Server server;
  private static ArtifactStore store;
  private static Path modelDir;

  @BeforeAll
  static void start(@TempDir Path tmp) throws IOException {
    server = S3Server.start();
    server.createBucket("models");
    store = ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey())
        .setSecretKey(server.secretKey()).setBucket("models").build();
    modelDir = tmp.resolve("lenet5");
    Fitter.initialised(Zoo.build("lenet5"), 0).save(modelDir);
  }

  @AfterAll
  static void stop() {
    store.close();
    server.close();
  }

  @Test
  void roundTripsAModelFolderThatLoadsWithTheSameWeights(@TempDir Path out) throws IOException {
    String prefix = Keys.stepPrefix("j1", 0, "base");
    ModelRef ref = store.putModel(prefix, modelDir);

    assertEquals(prefix + Model.WEIGHTS_FILE, ref.weights().key());
    assertEquals(3, ref.files().size());
    assertEquals(Files.size(modelDir.resolve(Model.WEIGHTS_FILE)), ref.weights().size());

    Path copy = store.getModel(ref, out.resolve("model"));
    for (String name : List.of(Model.GRAPH_FILE, Model.WEIGHTS_FILE, Model.HISTORY_FILE)) {
      assertEquals(-1, Files.mismatch(modelDir.resolve(name), copy.resolve(name)), name);
    }
    Model original = Model.load(modelDir);
    Model loaded = Model.load(copy);
    assertEquals(original.graph().name(), loaded.graph().name());
    assertEquals(original.graph().paramShapes().keySet(), loaded.graph().paramShapes().keySet());
  }

  @Test
  void removesAStaleHistoryWhenTheModelHasNone(@TempDir Path tmp) throws IOException {
    ModelRef stored = store.putModel(Keys.stepPrefix("j2", 0, "base"), modelDir);
    ModelRef uploaded = new ModelRef(stored.graph(), stored.weights(), null);
    assertEquals(2, uploaded.files().size());

    Path work = tmp.resolve("work");
    store.getModel(stored, work);
    assertTrue(Files.isRegularFile(work.resolve(Model.HISTORY_FILE)));
    store.getModel(uploaded, work);
    assertFalse(Files.exists(work.resolve(Model.HISTORY_FILE)), "a model without history has no history file");
    assertEquals(List.of(), Model.load(work).history());
  }

  @Test
  void refusesAFolderWithoutWeightsNamingTheFile(@TempDir Path tmp) throws IOException {
    Path partial = tmp.resolve("partial");
    Files.createDirectories(partial);
    Files.copy(modelDir.resolve(Model.GRAPH_FILE), partial.resolve(Model.GRAPH_FILE));
    InvalidModelException e = assertThrows(InvalidModelException.class,
        () -> store.putModel(Keys.stepPrefix("j3", 0, "base"), partial));
    assertTrue(e.getMessage().contains(Model.WEIGHTS_FILE), e.getMessage());
    assertFalse(store.exists(Keys.step("j3", 0, "base", Model.GRAPH_FILE)), "nothing uploaded");
  }
}
