package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.TensorShape;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What to build from the {@link Zoo}: an architecture name plus the options it accepts. An option
 * left unset ({@code null}) takes the architecture's default, e.g. 10 classes and a 3x32x32 input
 * for the CIFAR models; {@link Zoo#describe} lists the defaults. Immutable; a spec built by {@link
 * Builder#build} is valid: the name is known and every option set is one the architecture uses.
 *
 * @param arch architecture name, one of {@link Zoo#names()}
 * @param numClasses classifier outputs (Detect classes for the {@code yolov5*} detectors); null for the default
 * @param inputShape per-sample input {@code [C, H, W]}; null for the default
 * @param widthMultiplier channel multiplier of MobileNetV2; null for 1.0
 * @param shortcut CIFAR ResNet shortcut type; null for {@link Shortcut#A}
 * @param cifar MobileNetV2's CIFAR stem (strides 1 where ImageNet has 2); null for false
 */
public record ModelSpec(
    String arch, Integer numClasses, TensorShape inputShape, Double widthMultiplier,
    Shortcut shortcut, Boolean cifar) {

  /** The options a spec may set, each named as its builder method and JSON field. */
  public enum Option {
    NUM_CLASSES("numClasses"),
    INPUT_SHAPE("inputShape"),
    WIDTH_MULTIPLIER("widthMultiplier"),
    SHORTCUT("shortcut"),
    CIFAR("cifar");

    private final String field;

    Option(String field) {
      this.field = field;
    }

    /** The field name used in messages and job specs. */
    public String field() {
      return field;
    }
  }

  /** Validates, as {@link Builder#validate} does. */
  public ModelSpec {
    validate(arch, numClasses, inputShape, widthMultiplier);
    Set<Option> accepted = Zoo.architecture(arch).options();
    rejectUnused(arch, accepted, Option.NUM_CLASSES, numClasses);
    rejectUnused(arch, accepted, Option.INPUT_SHAPE, inputShape);
    rejectUnused(arch, accepted, Option.WIDTH_MULTIPLIER, widthMultiplier);
    rejectUnused(arch, accepted, Option.SHORTCUT, shortcut);
    rejectUnused(arch, accepted, Option.CIFAR, cifar);
  }

  /** A spec with every option at the architecture's default. */
  public static ModelSpec of(String arch) {
    return builder().setArch(arch).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  int numClassesOr(int dflt) {
    return numClasses == null ? dflt : numClasses;
  }

  TensorShape inputShapeOr(int... dflt) {
    return inputShape == null ? TensorShape.of(dflt) : inputShape;
  }

  double widthMultiplierOr(double dflt) {
    return widthMultiplier == null ? dflt : widthMultiplier;
  }

  Shortcut shortcutOr(Shortcut dflt) {
    return shortcut == null ? dflt : shortcut;
  }

  boolean cifarOr(boolean dflt) {
    return cifar == null ? dflt : cifar;
  }

  private static void validate(String arch, Integer numClasses, TensorShape inputShape, Double widthMultiplier) {
    if (arch == null || arch.isBlank()) {
      throw new IllegalArgumentException("arch is required; valid: " + String.join(", ", Zoo.names()));
    }
    if (numClasses != null && numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
    }
    if (inputShape != null && inputShape.rank() != 3) {
      throw new IllegalArgumentException("inputShape must be [C, H, W], got " + inputShape);
    }
    if (widthMultiplier != null && !(widthMultiplier > 0 && widthMultiplier <= 16)) {
      throw new IllegalArgumentException("widthMultiplier must be in (0, 16], got " + widthMultiplier);
    }
  }

  private static void rejectUnused(String arch, Set<Option> accepted, Option option, Object value) {
    if (value != null && !accepted.contains(option)) {
      StringJoiner names = new StringJoiner(", ");
      accepted.forEach(o -> names.add(o.field()));
      throw new IllegalArgumentException(option.field() + " does not apply to arch '" + arch
          + "' (it accepts: " + (accepted.isEmpty() ? "no options" : names) + ")");
    }
  }

  /**
   * Builds a {@link ModelSpec}. {@code setArch} is required; every {@code opt*} may be left out
   * for the architecture's default.
   */
  public static final class Builder {
    private String arch;
    private Integer numClasses;
    private TensorShape inputShape;
    private Double widthMultiplier;
    private Shortcut shortcut;
    private Boolean cifar;

    private Builder() {}

    public Builder setArch(String arch) {
      this.arch = arch;
      return this;
    }

    public Builder optNumClasses(int numClasses) {
      this.numClasses = numClasses;
      return this;
    }

    /**
     * The per-sample input shape {@code [C, H, W]}.
     *
     * @throws IllegalArgumentException naming inputShape when a dimension is not positive
     */
    public Builder optInputShape(int... chw) {
      try {
        this.inputShape = TensorShape.of(chw);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("inputShape: " + e.getMessage(), e);
      }
      return this;
    }

    public Builder optWidthMultiplier(double widthMultiplier) {
      this.widthMultiplier = widthMultiplier;
      return this;
    }

    public Builder optShortcut(Shortcut shortcut) {
      this.shortcut = Objects.requireNonNull(shortcut, "shortcut");
      return this;
    }

    public Builder optCifar(boolean cifar) {
      this.cifar = cifar;
      return this;
    }

    /**
     * Checks the fields; each message starts with the field's name.
     *
     * @throws IllegalArgumentException when arch is missing or unknown, a value is out of range,
     *     or an option is set that the architecture does not use
     */
    public void validate() {
      build();
    }

    public ModelSpec build() {
      return new ModelSpec(arch, numClasses, inputShape, widthMultiplier, shortcut, cifar);
    }
  }
}
