package dev.topiary.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.deploy.DashboardQueries;
import dev.topiary.local.cli.GatewayClient;
import dev.topiary.pipeline.event.Topics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's job through the real local stack: the gateway and the four stage services as separate
 * processes, submitted over REST, followed over server-sent events, reported and downloaded; then
 * every metric the Grafana dashboards query is found on the running services' {@code /q/metrics};
 * and a user's own ONNX model on their own images, over REST and as a Kafka job request.
 */
class GatewayEndToEndTest {
  private static final String SPEC = """
      name: gateway-e2e
      model: {zoo: lenet5}
      baseline: {epochs: 1, optimizer: {lr: 0.05}}
      dataset: {kind: fashion-mnist, trainLimit: 1000, testLimit: 300, batchSize: 64}
      prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}
      schedule: {mode: oneshot, finetune: {epochs: 1, optimizer: {lr: 0.01}}}
      eval: {batchSizes: [1, 8]}
      """;

  /** The slimming example's job, tiny: YOLOv5n at 64 px on 24 + 8 generated scenes, one or two epochs per step. */
  private static final String DETECTION = """
      name: yolo-e2e
      task: detection
      model: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}
      baseline: {epochs: 2, nominalBatch: 8, minWarmupIterations: 2}
      dataset: {kind: generated, train: 24, val: 8, size: 64, batchSize: 8}
      prune: {granularity: channel}
      schedule:
        mode: slimming
        sr: 1.0e-3
        srDecay: true
        sparsityTraining: {epochs: 1, nominalBatch: 8, warmupEpochs: 0, minWarmupIterations: 0}
        percent: 0.5
        minKept: 4
        roundTo: 4
        finetune: {epochs: 1, nominalBatch: 8, warmupEpochs: 0, minWarmupIterations: 0}
      eval: {batchSizes: [1, 2]}
      """;

  private static LocalStack stack;
  private static GatewayClient gateway;

  @BeforeAll
  static void start() {
    stack = EndToEndContract.stackBuilder("gateway-e2e-run").optServices(ServiceSpec.ALL).start();
    gateway = new GatewayClient(stack.service(ServiceSpec.GATEWAY.name()).url(), stack.token());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /**
   * README's "Bring your own model" through the service: an ONNX file and a zipped ImageFolder
   * uploaded with the CLI, an L1 job to -50% FLOPs with fine-tuning, watched to the end, the pruned
   * model downloaded as ONNX, run in ONNX Runtime against DJL, its MACs against the report's.
   */
  @Test
  void anUploadedOnnxModelIsPrunedOnAnUploadedImageFolderAndComesBackAsOnnx(@TempDir Path work) throws Exception {
    OnnxJobFlow flow = new OnnxJobFlow(gateway.url(), stack.token(), work);
    JsonNode model = flow.json(flow.cli("upload", "model", flow.onnxFile().toString()));
    assertEquals(9_938, model.path("params").asLong(), model.toString());
    assertTrue(model.path("batchNorm").asBoolean(), model.toString());
    JsonNode data = flow.json(flow.cli("upload", "dataset", "--kind", "image-folder", flow.imageFolderZip(300, 100).toString()));
    assertEquals(10, data.path("numClasses").asInt(), data.toString());

    String id = gateway.submit(OnnxJobFlow.spec("onnx-e2e", model.path("onnx"), data.path("uri").asText()), true).path("jobId").asText();
    gateway.events(id, (type, event) -> { });
    JsonNode job = gateway.job(id);
    assertEquals("completed", job.path("state").asText(), job.toString());
    flow.checkDownloadedModel(gateway, id);
  }

  /** The same job from a training pipeline: a Kafka job request citing the uploads, with the tenant's token. */
  @Test
  void aKafkaJobRequestCitingUploadedOnnxAndImagesRunsToTheEnd(@TempDir Path work) throws Exception {
    OnnxJobFlow flow = new OnnxJobFlow(gateway.url(), stack.token(), work);
    JsonNode model = flow.json(flow.cli("upload", "model", flow.onnxFile().toString()));
    JsonNode data = flow.json(flow.cli("upload", "dataset", "--kind", "image-folder", flow.imageFolderZip(200, 60).toString()));
    String spec = OnnxJobFlow.spec("onnx-kafka-e2e", model.path("onnx"), data.path("uri").asText());
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    try (var producer = new KafkaProducer<String, byte[]>(props,
        new StringSerializer(), new ByteArraySerializer())) {
      var record = new ProducerRecord<String, byte[]>(Topics.JOB_REQUESTS,
          "nightly-build-41", spec.getBytes(StandardCharsets.UTF_8));
      record.headers().add("authorization", ("Bearer " + stack.token()).getBytes(StandardCharsets.UTF_8));
      record.headers().add("content-type", "application/yaml".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get();
    }
    String id = null;
    for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); id == null && System.nanoTime() < end; Thread.sleep(200)) {
      for (JsonNode j : gateway.jobs(null, 0, 50).path("items")) {
        if (j.path("name").asText().equals("onnx-kafka-e2e")) {
          id = j.path("id").asText();
        }
      }
    }
    assertTrue(id != null && id.startsWith("r-"), "the request became a job: " + id);
    gateway.events(id, (type, event) -> { });
    JsonNode job = gateway.job(id);
    assertEquals("completed", job.path("state").asText(), job.toString());
    flow.checkDownloadedModel(gateway, id);
  }

  @Test
  void aSubmittedJobIsFollowedLiveReportedAndDownloadedAndTheDashboardsFindTheirMetrics() throws Exception {
    JsonNode accepted = gateway.submit(SPEC, true);
    String id = accepted.path("jobId").asText();
    assertTrue(accepted.path("plan").path("steps").size() >= 6, accepted.toString());

    List<String> types = new ArrayList<>();
    gateway.events(id, (type, event) -> types.add(type));
    assertEquals("JobSubmitted", types.get(0));
    assertEquals("ModelEvaluated", types.get(types.size() - 1), "the stream ends with the final evaluation: " + types);
    assertTrue(types.containsAll(List.of("EpochTuned", "RankComputed", "LayerPruned")), types.toString());

    JsonNode job = gateway.job(id);
    assertEquals("completed", job.path("state").asText());
    assertEquals(job.path("totalSteps").asInt(), job.path("stepsDone").asInt());
    JsonNode report = gateway.report(id);
    long before = report.path("baseline").path("macs").asLong();
    long after = report.path("pruned").path("macs").asLong();
    assertTrue(after <= before / 2, after + " MACs after, " + before + " before");
    String html = new String(gateway.reportHtml(id), StandardCharsets.UTF_8);
    assertTrue(html.contains("<svg"), "charts in the report page");
    assertTrue(html.contains("<g class=\"series\" id=\"latency-onnxruntime\">"), "a latency series per runtime");
    List<String> runtimes = new ArrayList<>();
    for (JsonNode row : report.path("latency")) {
      runtimes.add(row.path("runtime").asText());
      assertTrue(row.path("speedup").asDouble() > 0, "a speed-up per runtime and batch size: " + row);
    }
    assertTrue(runtimes.containsAll(List.of("djl", "onnxruntime")), runtimes.toString());

    Set<String> entries = new TreeSet<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(gateway.model(id)))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.add(Path.of(e.getName()).getFileName().toString());
      }
    }
    assertTrue(entries.containsAll(Set.of("graph.json", "weights.safetensors")), entries.toString());

    assertDashboardMetricsExported();
  }

  /** Issue 15's workflow as a job: the seed's four points measured, the cut visible in MACs, the report's table and pictures. */
  @Test
  void aDetectionSlimmingJobMeasuresTheSeedsFourPoints() throws Exception {
    String id = gateway.submit(DETECTION, true).path("jobId").asText();
    List<String> types = new ArrayList<>();
    gateway.events(id, (type, event) -> types.add(type));
    JsonNode job = gateway.job(id);
    assertEquals("completed", job.path("state").asText(), job.toString());
    assertEquals(4, types.stream().filter("ModelEvaluated"::equals).count(), types.toString());
    JsonNode evals = job.path("evaluations");
    List<String> points = new ArrayList<>();
    evals.forEach(e -> points.add(e.path("point").asText()));
    assertEquals(List.of("baseline", "after sparsity training", "after the cut", "after fine-tuning"), points);
    assertTrue(evals.get(2).path("macs").asLong() < evals.get(1).path("macs").asLong(), evals.toString());
    for (JsonNode e : evals) {
      double map50 = e.path("map50").asDouble(-1);
      double map = e.path("map5095").asDouble(-1);
      assertTrue(map50 >= 0 && map50 <= 1 && map >= 0 && map <= map50 + 1e-9, e.toString());
      assertEquals(101, e.path("detection").path("prCurve50").size(), e.toString());
      assertEquals(10, e.path("detection").path("classes").size());
      assertTrue(e.path("top1").isNull() || e.path("top1").isMissingNode(), "no top-1 for a detector: " + e);
    }
    assertTrue(job.path("epochs").get(0).path("boxLoss").asDouble() > 0, job.path("epochs").toString());
    JsonNode report = gateway.report(id);
    assertEquals(4, report.path("points").size(), report.toString());
    String html = new String(gateway.reportHtml(id), StandardCharsets.UTF_8);
    for (String part : List.of("<table id=\"points\">", "<svg id=\"pr-curve\"", "<div id=\"gamma-histogram\"><svg", "after sparsity training")) {
      assertTrue(html.contains(part), "the report holds " + part);
    }
  }

  /** Every metric a dashboard queries is on some running service's /q/metrics (external exporters aside). */
  private static void assertDashboardMetricsExported() throws IOException, InterruptedException {
    Set<String> queried = new TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("..", "deploy", "grafana"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        queried.addAll(DashboardQueries.metricNames(f));
      }
    }
    queried.removeAll(DashboardQueries.EXTERNAL);
    assertTrue(queried.size() > 10, "the dashboards query the services: " + queried);
    Set<String> exported = new TreeSet<>();
    HttpClient http = HttpClient.newHttpClient();
    for (ServiceProcess p : stack.services()) {
      String body = http.send(HttpRequest.newBuilder(URI.create(p.url() + "/q/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      body.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
          .map(l -> l.split("[{ ]", 2)[0]).forEach(exported::add);
    }
    Set<String> missing = queried.stream().filter(m -> !exported.contains(m)).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), missing, "queried by a dashboard but exported by no service");
  }
}
