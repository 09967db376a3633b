package dev.topiary.engine.cli;

import ai.djl.Device;
import dev.topiary.engine.exec.EngineSettings;
import picocli.CommandLine.Option;

/** Threads and device, applied once before the engine starts. */
final class RuntimeOptions {
  @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--interop", defaultValue = "1", description = "inter-op threads (default ${DEFAULT-VALUE})")
  int interop;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or auto (default ${DEFAULT-VALUE})")
  String device;

  Device apply() {
    return EngineSettings.builder().optIntraOpThreads(threads).optInterOpThreads(interop).optDevice(device).build().apply();
  }
}
