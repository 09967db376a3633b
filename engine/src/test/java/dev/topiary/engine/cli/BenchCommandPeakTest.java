package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchCommandPeakTest {
  @Test
  void readsTheResidentSetHighWaterMarkOfThisProcess() {
    long peak = BenchCommand.peakRssMib();
    long heapUsedMib = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
    assertTrue(peak >= heapUsedMib && peak > 10, "VmHWM " + peak + " MiB, heap in use " + heapUsedMib + " MiB");
  }
}
