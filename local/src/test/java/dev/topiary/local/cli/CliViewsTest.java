package dev.topiary.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client side's pure parts: progress lines, the report table, where the gateway is. */
class CliViewsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void drawsOneBarPerStepFilledByEpochAndEndsOnTheLastEvaluation() throws Exception {
    JsonNode timeline = JSON.readTree("[{\"index\":1,\"kind\":\"train-baseline\",\"stage\":\"finetune\"},"
        + "{\"index\":2,\"kind\":\"evaluate\",\"stage\":\"eval\"}]");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressView view = new ProgressView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, timeline);

    assertFalse(view.show("EpochTuned", JSON.readTree("{\"stepIndex\":1,\"epoch\":1,\"epochs\":4,\"trainLoss\":0.9,\"valAccuracy\":0.5}")));
    assertFalse(view.show("ModelEvaluated", JSON.readTree("{\"stepIndex\":1,\"top1\":0.5,\"params\":10,\"macs\":20}")),
        "an evaluation that is not the last step does not end the job");
    assertTrue(view.show("ModelEvaluated", JSON.readTree("{\"stepIndex\":2,\"top1\":0.8,\"params\":1000,\"macs\":2000}")));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("[finetune]  1 train-baseline   |######..................| epoch 1/4  loss 0.9000  val 50.00%"), out);
    assertTrue(out.contains("top-1 80.00%, 1,000 params, 2,000 MACs"), out);
    view.show("LayerPruned", JSON.readTree("{\"stepIndex\":1,\"groups\":[],\"paramsAfter\":10,\"macsAfter\":20,\"sparsity\":0.3}"));
    view.show("EpochTuned", JSON.readTree("{\"stepIndex\":1,\"epoch\":2,\"epochs\":4,\"trainLoss\":0.9,\"valAccuracy\":0.5,\"sparsity\":0.25}"));
    out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("masked to sparsity 30.0%: 10 params, 20 MACs"), "a mask step says its sparsity, not 0 groups cut: " + out);
    assertTrue(out.contains("val 50.00%  sparsity 25.0%"), out);
    assertTrue(view.show("JobFailed", JSON.readTree("{\"stepIndex\":2,\"stage\":\"eval\",\"message\":\"boom\"}")));
    assertEquals("|" + "#".repeat(24) + "|", ProgressView.bar(3, 3));
  }

  @Test
  void tabulatesOriginalAgainstPrunedWithRelativeChanges() throws Exception {
    JsonNode report = JSON.readTree("{\"state\":\"completed\","
        + "\"baseline\":{\"top1\":0.85,\"params\":1000,\"macs\":4000,\"sizeBytes\":5000,\"zippedBytes\":4500,"
        + "\"latency\":[{\"device\":\"cpu\",\"runtime\":\"djl\",\"batchSize\":1,\"medianMs\":6.0,\"p90Ms\":7.0},"
        + "{\"device\":\"cpu\",\"runtime\":\"onnxruntime\",\"batchSize\":1,\"medianMs\":4.5,\"p90Ms\":5.0}]},"
        + "\"pruned\":{\"top1\":0.86,\"params\":500,\"macs\":2000,\"sizeBytes\":2600,\"zippedBytes\":2300,"
        + "\"latency\":[{\"device\":\"cpu\",\"runtime\":\"djl\",\"batchSize\":1,\"medianMs\":2.0,\"p90Ms\":2.5},"
        + "{\"device\":\"cpu\",\"runtime\":\"onnxruntime\",\"batchSize\":1,\"medianMs\":1.5,\"p90Ms\":1.8}]}}");
    String table = ReportTable.of(report);
    assertTrue(table.contains("top-1 accuracy"), table);
    assertTrue(table.contains("+1.00 pt"), table);
    assertTrue(table.matches("(?s).*parameters\\s+1,000\\s+500\\s+-50.0%.*"), table);
    assertTrue(table.matches("(?s).*latency cpu b=1 \\(ms\\), DJL\\s+6.00 / 7.00\\s+2.00 / 2.50\\s+x3.00\n.*"), table);
    assertTrue(table.matches("(?s).*latency cpu b=1 \\(ms\\), ONNX Runtime\\s+4.50 / 5.00\\s+1.50 / 1.80\\s+x3.00\n.*"), table);
    assertTrue(table.contains("median / p90"), table);
    assertTrue(ReportTable.of(JSON.readTree("{\"state\":\"running\"}")).contains("no evaluation yet: state running"));
    assertFalse(table.contains("fixed cost"), "every latency improved: no note");

    JsonNode slowerAtOne = JSON.readTree(JSON.writeValueAsString(report).replace("\"medianMs\":2.0", "\"medianMs\":6.5"));
    String noted = ReportTable.of(slowerAtOne);
    assertTrue(noted.matches("(?s).*latency cpu b=1 \\(ms\\), DJL\\s+6.00 / 7.00\\s+6.50 / 2.50\\s+x0.92.*"), noted);
    assertTrue(noted.contains("fixed cost of each of the model's ops"), noted);

    JsonNode withoutRuntime = JSON.readTree(JSON.writeValueAsString(report).replace("\"runtime\":\"djl\",", ""));
    String older = ReportTable.of(withoutRuntime);
    assertTrue(older.matches("(?s).*latency cpu b=1 \\(ms\\), DJL\\s+6.00 / 7.00\\s+2.00 / 2.50\\s+x3.00\n.*"), "a latency without runtime is DJL's: " + older);
    assertEquals(2, older.lines().filter(l -> l.startsWith("latency ")).count(), older);

    ObjectNode paired = (ObjectNode) JSON.readTree(JSON.writeValueAsString(report));
    ((ObjectNode) paired.get("pruned")).set("baselineLatency", JSON.readTree(
        "[{\"device\":\"cpu\",\"runtime\":\"djl\",\"batchSize\":1,\"medianMs\":5.0,\"p90Ms\":5.5},"
        + "{\"device\":\"cpu\",\"runtime\":\"onnxruntime\",\"batchSize\":1,\"medianMs\":3.0,\"p90Ms\":3.3}]"));
    String turns = ReportTable.of(paired);
    assertTrue(turns.matches("(?s).*latency cpu b=1 \\(ms\\), DJL\\s+5.00 / 5.50\\s+2.00 / 2.50\\s+x2.50\n.*"),
        "the original as timed beside the pruned model, not the baseline step's figure: " + turns);
    assertTrue(turns.matches("(?s).*latency cpu b=1 \\(ms\\), ONNX Runtime\\s+3.00 / 3.30\\s+1.50 / 1.80\\s+x2.00\n.*"), turns);
    assertTrue(turns.contains("timed in turns"), turns);
    assertFalse(table.contains("timed in turns"), table);
  }

  @Test
  void findsTheLocalStacksGatewayAndTokenUnlessTold(@TempDir Path dir) throws Exception {
    Path stack = Files.writeString(dir.resolve("stack.json"),
        "{\"gateway\":{\"url\":\"http://localhost:18080\",\"tenant\":\"local\",\"token\":\"t0k\"}}");
    Connection c = new Connection();
    new CommandLine(new Holder(c)).parseArgs("--stack-file", stack.toString());
    assertEquals("http://localhost:18080", c.client().url());

    Connection explicit = new Connection();
    new CommandLine(new Holder(explicit)).parseArgs("--stack-file", stack.toString(), "--url", "http://gw:8080/");
    assertEquals("http://gw:8080", explicit.client().url());

    // from any folder: ./topiary passes its checkout as topiary.root, where the local stack writes stack.json
    Path root = dir.resolve("checkout");
    Files.createDirectories(root.resolve(".run/local"));
    Files.copy(stack, root.resolve(".run/local/stack.json"));
    System.setProperty("topiary.root", root.toString());
    try {
      Connection fromElsewhere = new Connection();
      new CommandLine(new Holder(fromElsewhere)).parseArgs();
      assertEquals("http://localhost:18080", fromElsewhere.client().url());
    } finally {
      System.clearProperty("topiary.root");
    }
  }

  @CommandLine.Command(name = "holder")
  static final class Holder {
    @CommandLine.Mixin final Connection connection;

    Holder(Connection connection) {
      this.connection = connection;
    }
  }
}
