package dev.topiary.gateway.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.detect.DetectionScenes;
import dev.topiary.gateway.GatewayConfigs;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.gateway.ratelimit.TenantRateLimits;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.testsupport.S3Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection jobs on local dataset folders, where the gateway takes local paths ({@code ./topiary
 * local}): a zoo detector on a COCO folder is accepted, and its classes are checked against the
 * folder's categories as a YOLO folder's are against its {@code data.yaml}; nothing answers a 5xx.
 */
class LocalDetectionDatasetTest {
  @TempDir static Path tmp;
  private static S3Server s3;
  private static ArtifactStore store;
  private static Path coco;

  @BeforeAll
  static void start() throws IOException {
    s3 = S3Server.start();
    store = ArtifactStore.builder().setEndpoint(s3.endpoint()).setAccessKey(s3.accessKey()).setSecretKey(s3.secretKey())
        .setBucket("topiary").build();
    store.ensureBucket();
    coco = tmp.resolve("coco");
    DetectionScenes.builder().setOut(coco).setTrain(4).optVal(2).setSize(64).optFormat(DetectionScenes.Format.COCO).build().write();
  }

  @AfterAll
  static void stop() {
    store.close();
    s3.close();
  }

  static String spec(String name, int classes, String uri) {
    return "name: " + name + "\ntask: detection\nmodel: {zoo: yolov5n, numClasses: " + classes + ", inputShape: [3, 64, 64]}\n"
        + "baseline: {epochs: 1}\ndataset: {kind: coco, uri: \"" + uri + "\"}\nprune: {criterion: taylor, select: {globalRatio: 0.3}}\n"
        + "schedule: {mode: oneshot, finetune: {epochs: 1}}\n";
  }

  private static JobSubmitter submitter() {
    JobSubmitter s = new JobSubmitter();
    s.store = store;
    s.config = GatewayConfigs.of(Map.of(), null, true);
    s.registry = new SimpleMeterRegistry();
    s.view = new JobView(ref -> null);
    s.rateLimits = new TenantRateLimits(GatewayConfigs.rateLimit(false, 1, 1, 1, 1), () -> 0L);
    s.publisher = new EventPublisher("localhost:1", s.config) {
      @Override
      public void publish(String topic, String key, byte[] value) {
        // taken: the broker is not what this test is about
      }
    };
    return s;
  }

  @Test
  void acceptsAZooDetectorOnALocalCocoFolder() {
    JobSubmitter.Accepted job = submitter().submit("acme", spec("coco-local", 10, coco.toString()), JobSpecs.Format.YAML, "coco-local-job", null);
    assertEquals("coco-local-job", job.jobId());
    assertTrue(store.exists(Keys.plan("coco-local-job")));
  }

  @Test
  void refusesADetectorWhoseHeadPredictsOtherClassesThanTheCocoCategories() {
    ApiException e = assertThrows(ApiException.class,
        () -> submitter().submit("acme", spec("coco-classes", 80, coco.toString()), JobSpecs.Format.YAML, "coco-classes-job", null));
    assertEquals(400, e.status());
    assertEquals("model.numClasses", e.errors().get(0).field());
    assertTrue(e.errors().get(0).message().startsWith("the model's head predicts 80 classes but dataset " + coco + " names 10 (T-shirt/top,"),
        e.errors().get(0).message());
  }

  @Test
  void refusesALocalPathThatIsNoPathNamingTheField() {
    ApiException e = assertThrows(ApiException.class,
        () -> submitter().submit("acme", spec("coco-nul", 10, "/data/co\\0co"), JobSpecs.Format.YAML, "coco-nul-job", null));
    assertEquals(400, e.status());
    assertEquals("dataset.uri", e.errors().get(0).field());
    assertTrue(e.errors().get(0).message().startsWith("not a usable folder path: "), e.errors().get(0).message());
  }

  @Test
  void aMissingLocalCocoFolderIsNotA5xx() {
    ApiException e = null;
    try {
      submitter().submit("acme", spec("coco-missing", 10, tmp.resolve("absent").toString()), JobSpecs.Format.YAML, "coco-missing-job", null);
    } catch (ApiException refused) {
      e = refused;
    }
    assertTrue(e == null || e.status() < 500, e == null ? "" : e.status() + " " + e.errors());
  }
}
