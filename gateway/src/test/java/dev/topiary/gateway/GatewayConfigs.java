package dev.topiary.gateway;

import java.util.Map;
import java.util.Optional;

/** A {@link GatewayConfig} for plain unit tests: the given tokens, small limits, the default rates, no topic creation. */
public final class GatewayConfigs {
  private GatewayConfigs() {}

  public static GatewayConfig of(Map<String, String> tenants, String tokensFile) {
    return of(tenants, tokensFile, false);
  }

  /** As {@link #of(Map, String)}, taking local dataset paths in specs where {@code allowLocalDatasets} (as {@code ./topiary local}). */
  public static GatewayConfig of(Map<String, String> tenants, String tokensFile, boolean allowLocalDatasets) {
    return new GatewayConfig() {
      @Override
      public Map<String, String> tenants() {
        return tenants;
      }

      @Override
      public Optional<String> tokensFile() {
        return Optional.ofNullable(tokensFile);
      }

      @Override
      public long maxSpecBytes() {
        return 1 << 20;
      }

      @Override
      public long maxModelBytes() {
        return 1 << 20;
      }

      @Override
      public long maxOnnxBytes() {
        return 1 << 20;
      }

      @Override
      public long maxDatasetBytes() {
        return 1 << 20;
      }

      @Override
      public int maxDatasetFiles() {
        return 100;
      }

      @Override
      public boolean allowLocalDatasets() {
        return allowLocalDatasets;
      }

      @Override
      public long publishTimeoutMs() {
        return 1000;
      }

      @Override
      public boolean createTopics() {
        return false;
      }

      @Override
      public int maxPageSize() {
        return 100;
      }

      @Override
      public Limits limits() {
        return new Limits() {
          public int maxEpochs() { return 1000; }
          public int maxBatchSize() { return 4096; }
          public long maxInputPixels() { return 4096L * 4096; }
          public long finetuneMemoryMib() { return 12288; }
          public long evalMemoryMib() { return 6144; }
        };
      }

      @Override
      public RateLimit rateLimit() {
        return GatewayConfigs.rateLimit(true, 60, 20, 60, 20);
      }
    };
  }

  /** Rate limits of the given figures, {@code topiary.gateway.rate-limit.*}. */
  public static GatewayConfig.RateLimit rateLimit(boolean enabled, int submissionsPerMinute, int submissionBurst, int uploadsPerMinute,
      int uploadBurst) {
    return new GatewayConfig.RateLimit() {
      public boolean enabled() { return enabled; }
      public int submissionsPerMinute() { return submissionsPerMinute; }
      public int submissionBurst() { return submissionBurst; }
      public int uploadsPerMinute() { return uploadsPerMinute; }
      public int uploadBurst() { return uploadBurst; }
    };
  }
}
