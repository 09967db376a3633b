package dev.topiary.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;
import dev.topiary.pipeline.job.JobLimits;

/**
 * The gateway's own settings, under {@code topiary.gateway}; {@code application.properties}
 * documents each one. Tokens are never in code: they come from this map (environment variables
 * {@code TOPIARY_GATEWAY_TENANTS_<TENANT>} in a deployment) or from a secret file.
 */
@ConfigMapping(prefix = "topiary.gateway")
public interface GatewayConfig {
  /** Tenant name to its API token, e.g. {@code topiary.gateway.tenants.acme=<token>}. */
  Map<String, String> tenants();

  /** A file of {@code tenant=token} lines (a mounted secret), read at start-up, merged with {@link #tenants()}. */
  Optional<String> tokensFile();

  /** Largest job spec accepted, in bytes. */
  @WithDefault("1048576")
  long maxSpecBytes();

  /** Largest {@code graph.json} plus {@code weights.safetensors} upload, each file, in bytes. */
  @WithDefault("268435456")
  long maxModelBytes();

  /**
   * Largest {@code model.onnx} upload, in bytes; also the ONNX importer's file limit. The default
   * takes torchvision's ResNet-50 (about 100 MB) with room to spare.
   */
  @WithDefault("536870912")
  long maxOnnxBytes();

  /** Largest dataset upload in bytes: the files sent, and for a zip also its uncompressed content. */
  @WithDefault("1073741824")
  long maxDatasetBytes();

  /** Largest number of files in a dataset zip. */
  @WithDefault("200000")
  int maxDatasetFiles();

  /** Whether specs may name a dataset by an absolute path on the stage machines (a local, single-user stack); uploads otherwise. */
  @WithDefault("false")
  boolean allowLocalDatasets();

  /** How long to wait for Kafka to acknowledge a published event, in milliseconds. */
  @WithDefault("10000")
  long publishTimeoutMs();

  /** Create the missing Topiary topics at start-up; off where topics are provisioned. */
  @WithDefault("true")
  boolean createTopics();

  /** Largest page size of {@code GET /api/v1/jobs}. */
  @WithDefault("200")
  int maxPageSize();

  /** What one job may ask of the services: {@code topiary.gateway.limits.*}, checked at submission. */
  Limits limits();

  /** How fast each tenant may submit jobs and upload: {@code topiary.gateway.rate-limit.*}. */
  RateLimit rateLimit();

  /**
   * Per-tenant token buckets ({@link dev.topiary.gateway.ratelimit.TenantRateLimits}): each tenant
   * may make {@code burst} submissions (uploads) at once, then one more every {@code 60 / per-minute}
   * seconds. Checked at start-up: a rate or burst below 1 is refused naming its key.
   */
  interface RateLimit {
    /** Whether the limits apply; false lets every tenant submit and upload as fast as it likes. */
    @WithDefault("true")
    boolean enabled();

    /** Job submissions (REST and job requests) one tenant may make per minute, sustained. */
    @WithDefault("60")
    int submissionsPerMinute();

    /** Job submissions one tenant may make at once, before the per-minute rate applies. */
    @WithDefault("20")
    int submissionBurst();

    /** Model and dataset uploads one tenant may make per minute, sustained. */
    @WithDefault("60")
    int uploadsPerMinute();

    /** Model and dataset uploads one tenant may make at once. */
    @WithDefault("20")
    int uploadBurst();
  }

  /** Bounds and memory budgets per job ({@link JobLimits}); defaults fit the base deployment's pod limits. */
  interface Limits {
    /** The most epochs of one fit (baseline, fine-tune, per step or stage). */
    @WithDefault("1000")
    int maxEpochs();

    /** The largest {@code dataset.batchSize}. */
    @WithDefault("4096")
    int maxBatchSize();

    /** The most pixels (height x width) of a model's input. */
    @WithDefault("16777216")
    long maxInputPixels();

    /** What one job may use in the fine-tune service (training), MiB: the service's memory less its own. */
    @WithDefault("12288")
    long finetuneMemoryMib();

    /** What one job may use in the eval service (inference at the largest evaluation batch), MiB. */
    @WithDefault("6144")
    long evalMemoryMib();

    default JobLimits toJobLimits() {
      return new JobLimits(maxEpochs(), maxBatchSize(), maxInputPixels(), finetuneMemoryMib() << 20, evalMemoryMib() << 20);
    }
  }
}
