package dev.topiary.engine.prune.importance;

import ai.djl.Device;
import dev.topiary.engine.data.DataLoader;
import dev.topiary.engine.train.EpochData;

/**
 * The data a data-driven criterion measures: the first {@code limit} batches of one epoch of a
 * data source (HRank's {@code --limit}, default {@value #DEFAULT_LIMIT}). Statistics are averaged
 * over the images actually seen, so a short last batch counts for its real size and no batch size
 * needs declaring (HRank divides by {@code limit * batch size}, the same figure for full batches).
 * Immutable.
 */
public final class ScoringData {
  /** HRank's default number of batches. */
  public static final int DEFAULT_LIMIT = 5;

  private final EpochData data;
  private final int limit;
  private final int epoch;
  private final Device device;
  private final ScoringLoss loss;

  private ScoringData(Builder b) {
    this.loss = b.loss;
    this.data = b.data;
    this.limit = b.limit;
    this.epoch = b.epoch;
    this.device = b.device;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The first {@code limit} batches of epoch 0 of {@code data}. */
  public static ScoringData of(EpochData data, int limit) {
    return builder().setData(data).optLimit(limit).build();
  }

  /** The first {@code limit} batches of epoch 0 of {@code loader}. */
  public static ScoringData of(DataLoader loader, int limit) {
    return builder().setLoader(loader).optLimit(limit).build();
  }

  public EpochData data() {
    return data;
  }

  /** Maximum number of batches measured. */
  public int limit() {
    return limit;
  }

  /** The epoch whose batches are read (its shuffle, if the source shuffles). */
  public int epoch() {
    return epoch;
  }

  /** The device to run on; null for the engine's default. */
  public Device device() {
    return device;
  }

  /** The loss gradient criteria differentiate; cross-entropy unless given. */
  public ScoringLoss loss() {
    return loss;
  }

  /** Builds a {@link ScoringData}; the data source is required. */
  public static final class Builder {
    private EpochData data;
    private int limit = DEFAULT_LIMIT;
    private int epoch;
    private Device device;
    private ScoringLoss loss = ScoringLoss.CROSS_ENTROPY;

    private Builder() {}

    /** The loss gradient criteria differentiate (default: cross-entropy against the batch's labels). */
    public Builder optLoss(ScoringLoss loss) {
      this.loss = loss;
      return this;
    }

    /** Batches as {@code [images float32 [B,C,H,W], labels [B]]}. */
    public Builder setData(EpochData data) {
      this.data = data;
      return this;
    }

    /** A loader's batches. */
    public Builder setLoader(DataLoader loader) {
      this.data = loader == null ? null : loader::epochAsLists;
      return this;
    }

    /** Number of batches to measure (default {@value #DEFAULT_LIMIT}). */
    public Builder optLimit(int limit) {
      this.limit = limit;
      return this;
    }

    /** The epoch to read (default 0). */
    public Builder optEpoch(int epoch) {
      this.epoch = epoch;
      return this;
    }

    /** The device to run on (default: the engine's default device). */
    public Builder optDevice(Device device) {
      this.device = device;
      return this;
    }

    /** @throws IllegalArgumentException naming the field that is missing or out of range */
    public ScoringData build() {
      if (loss == null) {
        throw new IllegalArgumentException("loss: must not be null");
      }
      if (data == null) {
        throw new IllegalArgumentException("data: required (an EpochData or a DataLoader)");
      }
      if (limit <= 0) {
        throw new IllegalArgumentException("limit: must be positive, got " + limit);
      }
      if (epoch < 0) {
        throw new IllegalArgumentException("epoch: must be >= 0, got " + epoch);
      }
      return new ScoringData(this);
    }
  }
}
