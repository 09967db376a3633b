package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.graph.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConvOrder#AUTO}'s choices kept on the machine ({@link ConvOrderCache}): a graph measured
 * once runs in the stored order in every later block (every later process), whatever a new
 * measurement would say; another graph (a pruned one) is measured on its own; a damaged file is
 * measured over; {@code off} keeps nothing.
 */
class ConvOrderCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private NDManager manager;
  private ConvOrder before;
  private String property;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager(ai.djl.Device.cpu());
    before = EngineSettings.cpuConvOrder();
    property = System.getProperty(ConvOrderCache.PROPERTY);
    EngineSettings.setCpuConvOrder(ConvOrder.AUTO);
  }

  @AfterEach
  void close() {
    EngineSettings.setCpuConvOrder(before);
    if (property == null) {
      System.clearProperty(ConvOrderCache.PROPERTY);
    } else {
      System.setProperty(ConvOrderCache.PROPERTY, property);
    }
    manager.close();
  }

  private GraphBlock trained(Graph g) {
    GraphBlock b = new GraphBlock(g, 7);
    b.initialize(manager);
    ExecFixtures.trainingPass(b, manager);
    return b;
  }

  @Test
  void aGraphMeasuredOnceRunsInTheStoredOrderInLaterBlocks() throws Exception {
    Path file = dir.resolve("cache/conv-orders.json");
    System.setProperty(ConvOrderCache.PROPERTY, file.toString());
    GraphBlock first = trained(ExecFixtures.convBnRelu(16));
    GraphBlock.ConvOrderChoice measured = first.convOrderChoices().get(0);
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    assertEquals("topiary-conv-orders", root.path("format").asText());
    assertEquals(1, root.path("entries").size());

    // the stored order wins over a new measurement: flip it, as if an earlier process had measured the other
    ConvOrder other = measured.order() == ConvOrder.CONTIGUOUS ? ConvOrder.CHANNELS_LAST : ConvOrder.CONTIGUOUS;
    ObjectNode entry = (ObjectNode) root.path("entries").elements().next();
    entry.put("order", other.name()).put("channelsLastMs", 1.5).put("contiguousMs", 2.5);
    JSON.writeValue(file.toFile(), root);
    GraphBlock.ConvOrderChoice again = trained(ExecFixtures.convBnRelu(16)).convOrderChoices().get(0);
    assertEquals(other, again.order());
    assertTrue(again.remembered() && !measured.remembered());
    assertEquals(1.5, again.channelsLastMs());
    assertEquals(measured.shape(), again.shape());

    trained(ExecFixtures.convBnRelu(32));
    assertEquals(2, JSON.readTree(file.toFile()).path("entries").size(), "another graph is measured and added");
  }

  @Test
  void aDamagedFileIsMeasuredOverAndOffKeepsNothing() throws Exception {
    Path file = dir.resolve("conv-orders.json");
    Files.writeString(file, "{not json");
    System.setProperty(ConvOrderCache.PROPERTY, file.toString());
    assertEquals(1, trained(ExecFixtures.convBnRelu(16)).convOrderChoices().size());
    JsonNode root = JSON.readTree(file.toFile());
    assertEquals(1, root.path("entries").size(), "the damaged file is replaced by one with the new choice");

    Path none = dir.resolve("none.json");
    System.setProperty(ConvOrderCache.PROPERTY, "off");
    assertTrue(ConvOrderCache.file().isEmpty());
    assertEquals(1, trained(ExecFixtures.convBnRelu(16)).convOrderChoices().size(), "still measured");
    assertFalse(Files.exists(none));
    assertEquals(List.of(), List.of(dir.toFile().list()).stream().filter(n -> n.endsWith(".tmp")).toList());
  }
}
