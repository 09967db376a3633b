package dev.topiary.pipeline.stage;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.detect.DetectionScenes;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.pipeline.job.DatasetSpec;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every stage runner needs from its service: the artifact store, a local work folder, where
 * datasets lie, a clock, and the latency bench's repetitions. Built once at start-up and shared by
 * the runners; thread-safe. Engine settings (threads, device) are the service's to apply at
 * start-up with {@code EngineSettings.apply()}, before any runner works.
 *
 * <p>Datasets: a spec's absolute path is used as is; {@code s3://<bucket>/<prefix>} (the store's
 * bucket) is downloaded once, verified, to {@code <workDir>/datasets/<prefix>}, file by file to
 * disk (the stages then stream it from there); any other prefix is listed and checked against its
 * copy at every step, an upload's (never rewritten) only until a complete copy is marked. Fashion-MNIST
 * without a uri comes from {@link #datasetRoot()} (Debian's package by default).
 */
public final class StageContext {
  private static final int PLAN_CACHE = 64;
  /**
   * Default of {@link #maxStepCrashes()}: a crash or two (an evicted node, a chaos round's kill)
   * are ridden out; a step that kills its service every time is stopped at its fourth delivery,
   * minutes after its first.
   */
  public static final int DEFAULT_MAX_STEP_CRASHES = 3;

  private final ArtifactStore store;
  private final Path workDir;
  private final Path datasetRoot;
  private final Clock clock;
  private final int latencyWarmup;
  private final int latencyRuns;
  private final int maxStepCrashes;
  private final Map<String, JobPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JobPlan> eldest) {
      return size() > PLAN_CACHE;
    }
  };

  private StageContext(Builder b) {
    store = b.store;
    workDir = b.workDir;
    datasetRoot = b.datasetRoot;
    clock = b.clock;
    latencyWarmup = b.latencyWarmup;
    latencyRuns = b.latencyRuns;
    maxStepCrashes = b.maxStepCrashes;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ArtifactStore store() {
    return store;
  }

  public Path workDir() {
    return workDir;
  }

  /** Where Fashion-MNIST lies when a spec gives no uri. */
  public Path datasetRoot() {
    return datasetRoot;
  }

  public Clock clock() {
    return clock;
  }

  public int latencyWarmup() {
    return latencyWarmup;
  }

  public int latencyRuns() {
    return latencyRuns;
  }

  /**
   * How many runs of one step may die with their service (started, never ended: out of memory, a
   * native crash, a kill) before the next delivery ends the job instead of running it again. Runs
   * that end with an exception the service survives (a store outage) do not count.
   */
  public int maxStepCrashes() {
    return maxStepCrashes;
  }

  /**
   * The plan an event references, read and verified once per hash, then served from memory.
   *
   * @throws IllegalArgumentException when the plan is in another bucket than the store's: an event
   *     no retry can serve (a missing bucket is otherwise a store failure, retried as transient)
   */
  public JobPlan plan(ArtifactRef ref) {
    if (!ref.bucket().equals(store.bucket())) {
      throw new IllegalArgumentException("plan: " + ref + " is in bucket '" + ref.bucket() + "'; this service reads bucket '"
          + store.bucket() + "'");
    }
    synchronized (plans) {
      JobPlan cached = plans.get(ref.sha256());
      if (cached != null) {
        return cached;
      }
    }
    JobPlan plan = PlanJson.fromBytes(store.getBytes(ref));
    synchronized (plans) {
      plans.put(ref.sha256(), plan);
    }
    return plan;
  }

  /** The engine's data spec for a job's dataset, fetching an {@code s3://} dataset first. */
  DataSpec dataSpec(DatasetSpec dataset, long seed) {
    return dataset.toDataSpec(location(dataset), seed);
  }

  private Path location(DatasetSpec dataset) {
    String uri = dataset.uri();
    if (uri == null) {
      return dataset.catalogKind() == DatasetCatalog.Kind.FASHION_MNIST ? datasetRoot : null;
    }
    if (!uri.startsWith("s3://")) {
      return Path.of(uri);
    }
    return localCopy(uri);
  }

  /**
   * The local folder of a detection job's dataset: a {@code yolo} or {@code coco} folder's path (an
   * {@code s3://} upload copied first, as {@link #localCopy}), or the {@code generated} scenes,
   * written once per set of fields under {@code <workDir>/datasets/generated/} by {@link
   * DetectionScenes} (deterministic: every stage writes the same bytes) and marked complete; a
   * half-written folder is never used (written aside, then moved into place).
   */
  Path detectionFolder(DatasetSpec dataset) {
    if (!DatasetSpec.GENERATED.equals(dataset.kind())) {
      return dataset.uri().startsWith("s3://") ? localCopy(dataset.uri()) : Path.of(dataset.uri());
    }
    long seed = dataset.seed() == null ? 0 : dataset.seed();
    int maxObjects = dataset.maxObjects() == null ? DatasetSpec.MAX_OBJECTS : dataset.maxObjects();
    String name = "scenes-" + dataset.train() + "-" + dataset.val() + "-" + dataset.size() + "-" + seed + "-" + maxObjects;
    Path root = workDir.resolve("datasets").resolve("generated");
    Path local = root.resolve(name);
    Path complete = root.resolve(name + ".complete");
    synchronized (this) {
      if (Files.isRegularFile(complete) && Files.isDirectory(local)) {
        return local;
      }
      try {
        Files.createDirectories(root);
        Path aside = Files.createTempDirectory(root, name + ".part-");
        DetectionScenes.Written w = DetectionScenes.builder().setOut(aside).setTrain(dataset.train()).optVal(dataset.val())
            .setSize(dataset.size()).optSeed(seed).optObjects(1, maxObjects).optSource(datasetRoot).build().write();
        deleteTree(local);
        Files.move(aside, local, StandardCopyOption.ATOMIC_MOVE);
        writeMarker(complete, w.trainImages() + w.valImages());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the generated scenes to " + local, e);
      }
    }
    return local;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** The local, verified copy of an {@code s3://} dataset folder, downloaded as needed. */
  Path localCopy(String uri) {
    int slash = uri.indexOf('/', "s3://".length());
    String bucket = uri.substring("s3://".length(), slash);
    if (!bucket.equals(store.bucket())) {
      throw new IllegalArgumentException("dataset.uri: " + uri + " is in bucket '" + bucket + "'; this service reads bucket '"
          + store.bucket() + "'");
    }
    String prefix = folderPrefix(uri.substring(slash + 1));
    Path local = workDir.resolve("datasets").resolve(prefix);
    // an upload's prefix is written once by the gateway and never changed, so a complete, verified
    // copy of it stays valid: a dataset of 100,000 photos is not listed and hashed again every step
    Path complete = workDir.resolve("datasets").resolve(prefix.substring(0, prefix.length() - 1) + ".complete");
    boolean immutable = prefix.startsWith(Keys.UPLOADS_PREFIX);
    synchronized (this) {
      if (immutable && Files.isRegularFile(complete) && Files.isDirectory(local)) {
        return local;
      }
      int files = 0;
      for (String key : store.list(prefix)) {
        ArtifactRef ref = store.find(key).orElseThrow(() -> new IllegalArgumentException("dataset.uri: " + key + " vanished while listed"));
        Path target = local.resolve(key.substring(prefix.length()));
        if (!isCopyOf(target, ref)) {
          store.get(ref, target);
        }
        files++;
      }
      if (immutable && files > 0) {
        writeMarker(complete, files);
      }
    }
    if (!Files.isDirectory(local)) {
      throw new IllegalArgumentException("dataset.uri: no objects under " + uri);
    }
    return local;
  }

  private static void writeMarker(Path marker, int files) {
    try {
      Files.writeString(marker, files + " files verified\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + marker, e);
    }
  }

  /** {@code a/b}, {@code a/b/} and {@code a/b//} all name the folder {@code a/b/}. */
  static String folderPrefix(String path) {
    return path.replaceFirst("/*$", "/");
  }

  private static boolean isCopyOf(Path file, ArtifactRef ref) {
    try {
      return Files.isRegularFile(file) && Files.size(file) == ref.size()
          && dev.topiary.engine.weights.Sha256.hex(file).equals(ref.sha256());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Required: store and work folder. */
  public static final class Builder {
    private ArtifactStore store;
    private Path workDir;
    private Path datasetRoot = DatasetCatalog.FASHION_MNIST_DEBIAN;
    private Clock clock = Clock.systemUTC();
    private int latencyWarmup = 5;
    private int latencyRuns = 20;
    private int maxStepCrashes = DEFAULT_MAX_STEP_CRASHES;

    private Builder() {}

    public Builder setStore(ArtifactStore store) {
      this.store = store;
      return this;
    }

    /** A local folder for step work (models, checkpoints) and fetched datasets; created if needed. */
    public Builder setWorkDir(Path workDir) {
      this.workDir = workDir;
      return this;
    }

    /** Where Fashion-MNIST lies when a spec gives no uri (default: Debian's package). */
    public Builder optDatasetRoot(Path datasetRoot) {
      this.datasetRoot = datasetRoot;
      return this;
    }

    /** The clock of the events' {@code occurredAt} (default: UTC system clock). */
    public Builder optClock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Latency bench repetitions per batch size (default 5 warm-up, 20 timed). */
    public Builder optLatencyRuns(int warmup, int runs) {
      this.latencyWarmup = warmup;
      this.latencyRuns = runs;
      return this;
    }

    /**
     * Runs of one step that may die with their service (default {@value #DEFAULT_MAX_STEP_CRASHES}):
     * the next delivery ends the job with a {@code JobFailed} instead of running it again.
     */
    public Builder optMaxStepCrashes(int maxStepCrashes) {
      this.maxStepCrashes = maxStepCrashes;
      return this;
    }

    public StageContext build() {
      validate();
      try {
        Files.createDirectories(workDir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create work folder " + workDir, e);
      }
      return new StageContext(this);
    }

    private void validate() {
      if (store == null) {
        throw new IllegalArgumentException("store: required");
      }
      if (workDir == null) {
        throw new IllegalArgumentException("workDir: required");
      }
      if (datasetRoot == null || clock == null) {
        throw new IllegalArgumentException((datasetRoot == null ? "datasetRoot" : "clock") + ": must not be null");
      }
      if (maxStepCrashes < 1) {
        throw new IllegalArgumentException("maxStepCrashes: must be >= 1, got " + maxStepCrashes);
      }
      if (latencyWarmup < 0 || latencyRuns < 1) {
        throw new IllegalArgumentException("latencyRuns: need warmup >= 0 and runs >= 1, got " + latencyWarmup + " and " + latencyRuns);
      }
    }
  }
}
