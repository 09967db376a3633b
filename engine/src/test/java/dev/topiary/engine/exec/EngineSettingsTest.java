package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.topiary.engine.exec.EngineSettings.DeviceChoice;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

  @Test
  void parsesDeviceChoicesAndRejectsOthers() {
    assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(" Auto "));
    assertEquals(DeviceChoice.GPU, DeviceChoice.parse("gpu"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse("tpu"));
    assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
  }

  @Test
  void resolvesDevicesFromTheGpuCount() {
    assertEquals(Device.cpu(), EngineSettings.resolve(DeviceChoice.CPU, 2));
    assertEquals(Device.cpu(), EngineSettings.resolve(DeviceChoice.AUTO, 0));
    assertEquals(Device.gpu(), EngineSettings.resolve(DeviceChoice.AUTO, 1));
    assertEquals(Device.gpu(), EngineSettings.resolve(DeviceChoice.GPU, 1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSettings.resolve(DeviceChoice.GPU, 0));
    assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
  }

  @Test
  void appliesIntraOpThreadsAndKeepsEqualInterOpThreads() {
    Engine.getEngine("PyTorch");
    int interOp = JniUtils.getNumInteropThreads();
    Device d = EngineSettings.builder().optIntraOpThreads(1).optInterOpThreads(interOp).build().apply();
    assertEquals(1, JniUtils.getNumThreads());
    assertEquals(interOp, JniUtils.getNumInteropThreads());
    assertEquals(Device.cpu(), d);
    EngineSettings.builder().optIntraOpThreads(2).build().apply();
    assertEquals(2, JniUtils.getNumThreads());
  }

  @Test
  void autoPicksWhatTheMachineHas() {
    Device d = EngineSettings.builder().optDevice("auto").build().apply();
    assertEquals(Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu(), d);
    assertEquals(d, EngineSettings.computeDevice());
    assertEquals(Device.cpu(), EngineSettings.builder().optDevice("cpu").build().apply());
    assertEquals(Device.cpu(), EngineSettings.computeDevice(), "workflows allocate where the settings say");
  }

  @Test
  void builderRejectsNegativeThreadsNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EngineSettings.builder().optInterOpThreads(-1).build());
    assertTrue(e.getMessage().contains("interOpThreads"), e.getMessage());
  }

  @Test
  void gradModeIsPerThreadAndScopesRestoreIt() throws InterruptedException {
    GradMode.set(false);
    AtomicReference<boolean[]> seen = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      boolean initial = GradMode.isEnabled();
      boolean inside;
      try (GradMode.Scope s = GradMode.disabled()) {
        inside = GradMode.isEnabled();
      }
      seen.set(new boolean[] {initial, inside, GradMode.isEnabled()});
    });
    worker.start();
    worker.join();
    assertArrayEquals(new boolean[] {true, false, true}, seen.get(), "a new thread records gradients until told not to");
    assertFalse(GradMode.isEnabled(), "the worker's mode must not leak into this thread");
    try (GradMode.Scope s = GradMode.enabled()) {
      assertTrue(GradMode.isEnabled());
    }
    assertFalse(GradMode.isEnabled());
  }
}
