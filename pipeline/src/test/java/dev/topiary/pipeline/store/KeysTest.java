package dev.topiary.pipeline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {
  @Test
  void laysOutStepArtifactsUnderTheJobInPipelineOrder() {
    assertEquals("jobs/7f3a/", Keys.job("7f3a"));
    assertEquals("jobs/7f3a/03-prune/", Keys.stepPrefix("7f3a", 3, "prune"));
    assertEquals("jobs/7f3a/03-prune/weights.safetensors", Keys.step("7f3a", 3, "prune", "weights.safetensors"));
    assertEquals("jobs/7f3a/12-finetune/graph.json", Keys.step("7f3a", 12, "finetune", "graph.json"));
    assertTrue(Keys.step("j", 9, "a", "x").compareTo(Keys.step("j", 10, "a", "x")) < 0, "steps sort in order");
  }

  @Test
  void placesTheCancellationMarkerAndUploadsUnderServerChosenPrefixes() {
    assertEquals("jobs/7f3a/cancelled.json", Keys.cancelled("7f3a"));
    assertEquals("jobs/7f3a/attempts/04-finetune", Keys.attempts("7f3a", 4, "finetune"));
    assertEquals("uploads/acme/", Keys.tenantUploads("acme"));
    assertEquals("uploads/acme/models/m-1/", Keys.upload("acme", "models", "m-1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.upload("acme", "models", "../x"));
    assertTrue(e.getMessage().startsWith("uploadId must be one path segment"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Keys.tenantUploads("a/b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "..", "a..b", "a\\b", ".hidden", "", " ", "job id"})
  void rejectsAJobIdThatIsNotOnePathSegmentNamingTheField(String jobId) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.step(jobId, 0, "base", "graph.json"));
    assertTrue(e.getMessage().startsWith("jobId must be one path segment"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"../graph.json", "sub/graph.json", "graph..json", "..", "/"})
  void rejectsANameThatIsNotOnePathSegmentNamingTheField(String name) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.step("j1", 0, "base", name));
    assertTrue(e.getMessage().startsWith("name must be one path segment"), e.getMessage());
  }

  @Test
  void rejectsABadStageANegativeStepAndANullJobId() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Keys.stepPrefix("j1", 0, "pr/une"))
        .getMessage().startsWith("stage "));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Keys.stepPrefix("j1", -1, "prune"))
        .getMessage().startsWith("stepIndex must be >= 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Keys.job(null)).getMessage().contains("got null"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/jobs/a", "jobs//a", "jobs/a/", "jobs/../a", "jobs/./a", "jobs/a b"})
  void rejectsMalformedKeys(String key) {
    assertThrows(IllegalArgumentException.class, () -> Keys.checkKey(key));
  }

  @Test
  void acceptsOnlyPrefixesThatNameAFolder() {
    assertEquals("jobs/j1/", Keys.checkPrefix("jobs/j1/"));
    assertEquals("datasets/", Keys.checkPrefix("datasets/"));
    for (String bad : new String[] {"jobs/j1", "", "/", "jobs//"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keys.checkPrefix(bad), bad);
      assertTrue(e.getMessage().startsWith("prefix") || e.getMessage().startsWith("key"), e.getMessage());
    }
  }
}
