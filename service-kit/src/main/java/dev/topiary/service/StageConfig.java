package dev.topiary.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How a stage service works: {@code topiary.stage.*}. */
@ConfigMapping(prefix = "topiary.stage")
public interface StageConfig {
  /** Local folder for step work (models, checkpoints) and fetched datasets. */
  @WithDefault("${java.io.tmpdir}/topiary-work")
  String workDir();

  /** Where Fashion-MNIST lies when a job names no uri (Debian's dataset-fashion-mnist). */
  @WithDefault("/usr/share/datasets/fashion-mnist")
  String datasetRoot();

  /** Where training, ranking and evaluation run: cpu, gpu or auto (a GPU when PyTorch sees one). */
  @WithDefault("auto")
  String device();

  /** libtorch intra-op threads; libtorch's default when absent. */
  Optional<Integer> intraOpThreads();

  /** libtorch inter-op threads; libtorch's default when absent. */
  Optional<Integer> interOpThreads();

  /** Latency bench warm-up runs per batch size. */
  @WithDefault("5")
  int latencyWarmup();

  /** Latency bench timed runs per batch size. */
  @WithDefault("20")
  int latencyRuns();

  /**
   * Runs of one step that may die with their service (out of memory, a native crash, a kill)
   * before the next delivery ends the job with a {@code JobFailed} naming the step instead of
   * running it again. Runs that end with a failure the service survives do not count.
   */
  @WithDefault("3")
  int maxStepCrashes();

  /** Transient failures (store or local I/O) that outlived the store's own retries. */
  Retry retry();

  interface Retry {
    /** Attempts of a step at least, before it ends the job with JobFailed. */
    @WithDefault("3")
    int attempts();

    /** Pause before the second attempt; doubled before each further one, up to {@link #maxBackoff()}. */
    @WithDefault("PT2S")
    Duration backoff();

    /** The longest pause between attempts. */
    @WithDefault("PT15S")
    Duration maxBackoff();

    /**
     * How long a step keeps trying through transient failures (an object store or disk outage)
     * before it ends the job with a JobFailed naming the operation: attempts go on until both
     * {@link #attempts()} and this are spent.
     */
    @WithDefault("PT2M")
    Duration budget();
  }
}
