package dev.topiary.pipeline.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static String golden(String name) {
    try (InputStream in = EventCodecTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("golden file " + name + " missing", e);
    }
  }

  static Stream<Arguments> goldens() {
    return Stream.of(
        Arguments.of("job-submitted.json", Fixtures.jobSubmitted()),
        Arguments.of("job-submitted-tenant.json", Fixtures.jobSubmittedByTenant()),
        Arguments.of("rank-computed.json", Fixtures.rankComputed()),
        Arguments.of("layer-pruned.json", Fixtures.layerPruned()),
        Arguments.of("layer-pruned-masks.json", Fixtures.layerPrunedMasks()),
        Arguments.of("epoch-tuned.json", Fixtures.epochTuned()),
        Arguments.of("model-evaluated.json", Fixtures.modelEvaluated()),
        Arguments.of("job-failed.json", Fixtures.jobFailed()),
        Arguments.of("job-cancelled.json", Fixtures.jobCancelled()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void goldenReadsToTheEventAndTheEventWritesTheGolden(String file, PipelineEvent expected) throws IOException {
    String text = golden(file);
    PipelineEvent read = EventCodec.fromJson(text);
    assertEquals(expected, read);
    String written = EventCodec.toJson(read);
    assertEquals(JSON.readTree(text), JSON.readTree(written), "written JSON differs from " + file);
    assertEquals(read, EventCodec.fromBytes(EventCodec.toBytes(read)));
    assertTrue(written.startsWith("{\"type\":\"" + expected.type().jsonName() + "\",\"schemaVersion\":1,\"jobId\":"), written);
  }

  @Test
  void everyEventTypeHasAGoldenFile() {
    Set<EventType> covered = goldens().map(a -> ((PipelineEvent) a.get()[1]).type()).collect(Collectors.toSet());
    assertEquals(EnumSet.allOf(EventType.class), covered);
  }

  @Test
  void refusesAnUnknownType() {
    EventFormatException e = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("job-failed.json").replace("\"JobFailed\"", "\"JobExploded\"")));
    assertEquals("type", e.field());
    assertTrue(e.getMessage().startsWith("type: unknown event type 'JobExploded'; known: [JobSubmitted, RankComputed"), e.getMessage());
  }

  @Test
  void refusesANewerSchemaVersion() {
    EventFormatException e = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("layer-pruned.json").replace("\"schemaVersion\": 1", "\"schemaVersion\": 2")));
    assertEquals("schemaVersion", e.field());
    assertEquals("schemaVersion: LayerPruned version 2 is newer than this reader understands (1); upgrade the consumer", e.getMessage());
  }

  @Test
  void refusesAMissingJobId() throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(golden("epoch-tuned.json"));
    n.remove("jobId");
    EventFormatException e = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(n.toString()));
    assertEquals("jobId", e.field());
    assertEquals("jobId: required field missing in EpochTuned", e.getMessage());
  }

  @Test
  void refusesAMissingPrimitiveRatherThanReadingZero() throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(golden("epoch-tuned.json"));
    n.remove("epochs");
    n.remove("learningRate");
    EventFormatException e = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(n.toString()));
    assertEquals("epochs", e.field());
    assertTrue(e.getMessage().endsWith("(also missing: learningRate)"), e.getMessage());
  }

  @Test
  void namesAMissingNestedField() throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(golden("rank-computed.json"));
    ((ObjectNode) n.at("/artifacts/model/weights")).remove("sha256");
    EventFormatException e = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(n.toString()));
    assertEquals("artifacts.model.weights.sha256", e.field());
  }

  @Test
  void namesAFieldInAList() throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(golden("model-evaluated.json"));
    ((ObjectNode) n.at("/latency/1")).remove("p90Ms");
    EventFormatException e = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(n.toString()));
    assertEquals("latency[1].p90Ms", e.field());
  }

  @Test
  void namesTheFieldARecordRefuses() {
    EventFormatException e = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("job-cancelled.json").replace("\"attempt\": 1", "\"attempt\": 0")));
    assertEquals("attempt", e.field());
    assertEquals("attempt: must be >= 1, got 0 in JobCancelled", e.getMessage());
    EventFormatException nested = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("layer-pruned.json").replace("\"channelsAfter\": 15", "\"channelsAfter\": 16")));
    assertEquals("groups[0].channelsAfter", nested.field());
  }

  @Test
  void refusesAPathAsJobId() {
    EventFormatException e = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("job-cancelled.json").replace("0f3c9a52-job", "../etc")));
    assertEquals("jobId", e.field());
  }

  @Test
  void refusesAWrongType() {
    EventFormatException e = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("rank-computed.json").replace("\"groups\": 30", "\"groups\": \"thirty\"")));
    assertEquals("groups", e.field());
    EventFormatException time = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("rank-computed.json").replace("2026-03-01T09:41:12.500Z", "yesterday")));
    assertEquals("occurredAt", time.field());
  }

  @Test
  void refusesWhatIsNotAnEventObject() {
    assertEquals("", assertThrows(EventFormatException.class, () -> EventCodec.fromJson("{\"type\": ")).field());
    assertEquals("", assertThrows(EventFormatException.class, () -> EventCodec.fromJson("[1]")).field());
    assertEquals("type", assertThrows(EventFormatException.class, () -> EventCodec.fromJson("{\"jobId\": \"a\"}")).field());
    assertEquals("schemaVersion", assertThrows(EventFormatException.class, () -> EventCodec.fromJson("{\"type\": \"JobFailed\"}")).field());
  }

  @Test
  void ignoresAnUnknownFieldSoThatAdditiveChangesKeepTheVersion() throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(golden("epoch-tuned.json"));
    n.put("imagesPerSecond", 812.5);
    ((ObjectNode) n.get("artifacts")).put("checkpoint", "later");
    assertEquals(Fixtures.epochTuned(), EventCodec.fromJson(n.toString()));
  }

  @Test
  void readsLatencyWrittenBeforeItNamedItsRuntimeAsDjl() throws IOException {
    ModelEvaluated old = (ModelEvaluated) EventCodec.fromJson(golden("model-evaluated-without-runtime.json"));
    assertEquals(Fixtures.modelEvaluatedWithoutRuntime(), old);
    assertEquals(List.of("djl", "djl"), old.latency().stream().map(ModelEvaluated.Latency::runtime).toList());
    JsonNode written = JSON.readTree(EventCodec.toJson(old));
    assertEquals("djl", written.at("/latency/1/runtime").asText(), "the default is written out");
    assertEquals(1, written.get("schemaVersion").asInt(), "an additive change keeps the version");
  }

  @Test
  void latencyKeepsEachRuntimesFigures() {
    ModelEvaluated e = (ModelEvaluated) EventCodec.fromJson(golden("model-evaluated.json"));
    assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), e.latency().stream().map(ModelEvaluated.Latency::runtime).toList());
    assertEquals(9.87, e.latency().get(3).medianMs());
    EventFormatException blank = assertThrows(EventFormatException.class,
        () -> EventCodec.fromJson(golden("model-evaluated.json").replace("\"runtime\": \"onnxruntime\"", "\"runtime\": \" \"")));
    assertEquals("latency[2].runtime", blank.field());
  }

  @Test
  void theOriginalTimedBesideTheFinalModelRoundTripsAndMustMatchItsRows() throws IOException {
    ModelEvaluated e = Fixtures.modelEvaluated();
    assertNull(e.baselineLatency(), "the golden predates the field: none");
    assertNull(e.artifacts().baseline());
    List<ModelEvaluated.Latency> original = e.latency().stream()
        .map(l -> new ModelEvaluated.Latency(l.device(), l.runtime(), l.batchSize(), 2 * l.medianMs(), 2 * l.p90Ms())).toList();
    ModelEvaluated paired = new ModelEvaluated(e.jobId(), e.stepIndex(), e.attempt(), e.occurredAt(), e.plan(),
        e.artifacts().withBaseline(e.artifacts().model()), e.top1(), e.top5(), e.loss(), e.params(), e.macs(), e.sizeBytes(), e.zippedBytes(),
        e.latency(), null, original);
    ModelEvaluated back = (ModelEvaluated) EventCodec.fromJson(EventCodec.toJson(paired));
    assertEquals(paired, back);
    assertEquals(4.7, back.baselineLatency().get(0).medianMs());
    assertEquals(e.artifacts().model(), back.artifacts().baseline());
    assertEquals(1, JSON.readTree(EventCodec.toJson(paired)).get("schemaVersion").asInt(), "an additive change keeps the version");
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () -> new ModelEvaluated(e.jobId(), e.stepIndex(),
        e.attempt(), e.occurredAt(), e.plan(), e.artifacts(), e.top1(), e.top5(), e.loss(), e.params(), e.macs(), e.sizeBytes(),
        e.zippedBytes(), e.latency(), null, original.subList(0, 2)));
    assertTrue(mismatch.getMessage().startsWith("baselineLatency:"), mismatch.getMessage());
  }

  @Test
  void readsAbsentOptionalFieldsAsNull() throws IOException {
    ObjectNode n = (ObjectNode) JSON.readTree(golden("epoch-tuned.json"));
    n.remove("valLoss");
    n.remove("valAccuracy");
    EpochTuned e = (EpochTuned) EventCodec.fromJson(n.toString());
    assertNull(e.valLoss());
    assertNull(e.valAccuracy());
    JsonNode written = JSON.readTree(EventCodec.toJson(e));
    assertTrue(!written.has("valLoss") && !written.has("sparsity"), written.toString());
  }

  @Test
  void readsTheExpectedTypeOrNamesTheMismatch() {
    assertEquals(Fixtures.jobFailed(), EventCodec.fromJson(golden("job-failed.json"), JobFailed.class));
    EventFormatException e = assertThrows(EventFormatException.class, () -> EventCodec.fromJson(golden("job-failed.json"), LayerPruned.class));
    assertEquals("type: expected LayerPruned, got JobFailed", e.getMessage());
  }

  @Test
  void idempotencyKeyIsJobStepAttempt() {
    assertEquals(new IdempotencyKey(Fixtures.JOB, 4, 2), Fixtures.layerPruned().idempotencyKey());
    assertEquals("0f3c9a52-job/4/2", Fixtures.layerPruned().idempotencyKey().toString());
  }
}
