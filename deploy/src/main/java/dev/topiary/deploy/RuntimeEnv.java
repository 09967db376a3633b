package dev.topiary.deploy;

import java.util.Map;

/**
 * Environment variables a service container may carry that are no configuration key: each is read
 * by the image's entry point, the JVM's libraries or the C runtime, never by Quarkus. Anything else
 * must map to a key of the service ({@link ServiceModule#readsEnv}); there is deliberately no
 * {@code QUARKUS_*} wildcard, so a misspelt Quarkus key is caught like any other.
 */
final class RuntimeEnv {
  static final Map<String, String> NAMES = Map.of(
      "JAVA_OPTS", "JVM flags, read by the images' entry point (src/main/docker/Dockerfile.*)",
      "JAVA_OPTS_APPEND", "extra JVM flags after JAVA_OPTS, read by the images' entry point",
      "DJL_CACHE_DIR", "where DJL unpacks libtorch from its jar",
      "MALLOC_ARENA_MAX", "glibc malloc: one arena, so the thresholds below apply (see ./topiary)",
      "MALLOC_MMAP_THRESHOLD_", "glibc malloc: keep libtorch's large buffers out of mmap",
      "MALLOC_TRIM_THRESHOLD_", "glibc malloc: do not give freed buffers back between steps",
      "MALLOC_TOP_PAD_", "glibc malloc: grow the heap in large steps",
      "NVIDIA_VISIBLE_DEVICES", "NVIDIA container runtime: which GPUs to mount",
      "NVIDIA_DRIVER_CAPABILITIES", "NVIDIA container runtime: which driver libraries to mount");

  private RuntimeEnv() {}
}
