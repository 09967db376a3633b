package dev.topiary.engine.zoo;

import static dev.topiary.engine.zoo.ModelSpec.Option.CIFAR;
import static dev.topiary.engine.zoo.ModelSpec.Option.INPUT_SHAPE;
import static dev.topiary.engine.zoo.ModelSpec.Option.NUM_CLASSES;
import static dev.topiary.engine.zoo.ModelSpec.Option.SHORTCUT;
import static dev.topiary.engine.zoo.ModelSpec.Option.WIDTH_MULTIPLIER;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.zoo.ModelSpec.Option;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;

/** The zoo's registry: each name, what it builds, the options it uses and its builder. */
enum Architecture {
  LENET5("lenet5", "LeNet-5 with ReLU and max pooling; default 1x28x28, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), LeNet5::build),
  VGG16_BN("vgg16-bn", "HRank's CIFAR VGG-16 with BN and a 512-512-classes classifier; default 3x32x32, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), CifarVgg::build),
  RESNET20("resnet20", "CIFAR ResNet-20, 3 stages of 3 basic blocks; default shortcut A, 3x32x32, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE, SHORTCUT), spec -> CifarResNet.build(spec, 20)),
  RESNET56("resnet56", "CIFAR ResNet-56 as HRank's resnet_56; default shortcut A, 3x32x32, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE, SHORTCUT), spec -> CifarResNet.build(spec, 56)),
  RESNET110("resnet110", "CIFAR ResNet-110 as HRank's resnet_110; default shortcut A, 3x32x32, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE, SHORTCUT), spec -> CifarResNet.build(spec, 110)),
  MOBILENETV2("mobilenetv2", "torchvision MobileNetV2; default width 1.0, 3x224x224, 1000 classes"
      + " (cifar: stride-1 stem and 24-channel stage, 3x32x32, 10 classes)",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE, WIDTH_MULTIPLIER, CIFAR), MobileNetV2::build),
  DENSENET40("densenet40", "HRank's CIFAR DenseNet-40, growth rate 12; default 3x32x32, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), spec -> CifarDenseNet.build(spec, 40, 12)),
  GOOGLENET("googlenet", "HRank's CIFAR GoogLeNet (Inception v1, 5x5 as two 3x3); default 3x32x32, 10 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), CifarGoogLeNet::build),
  YOLOV5S_BACKBONE("yolov5s-backbone", "YOLOv5s v6 backbone and PANet neck, outputs P3, P4, P5; default 3x640x640",
      EnumSet.of(INPUT_SHAPE), spec -> YoloV5.build(spec, YoloV5.Scale.S, false)),
  YOLOV5N("yolov5n", "YOLOv5n v6 (depth 0.33, width 0.25) with the Detect head's three 1x1 convs; default 3x640x640, 80 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), spec -> YoloV5.build(spec, YoloV5.Scale.N, true)),
  YOLOV5S("yolov5s", "YOLOv5s v6 (depth 0.33, width 0.50) with the Detect head's three 1x1 convs; default 3x640x640, 80 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), spec -> YoloV5.build(spec, YoloV5.Scale.S, true)),
  YOLOV5M("yolov5m", "YOLOv5m v6 (depth 0.67, width 0.75) with the Detect head's three 1x1 convs; default 3x640x640, 80 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), spec -> YoloV5.build(spec, YoloV5.Scale.M, true)),
  YOLOV5L("yolov5l", "YOLOv5l v6 (depth 1.0, width 1.0) with the Detect head's three 1x1 convs; default 3x640x640, 80 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), spec -> YoloV5.build(spec, YoloV5.Scale.L, true)),
  YOLOV5X("yolov5x", "YOLOv5x v6 (depth 1.33, width 1.25) with the Detect head's three 1x1 convs; default 3x640x640, 80 classes",
      EnumSet.of(NUM_CLASSES, INPUT_SHAPE), spec -> YoloV5.build(spec, YoloV5.Scale.X, true));

  private final String id;
  private final String description;
  private final Set<Option> options;
  private final Function<ModelSpec, Graph> builder;

  Architecture(String id, String description, Set<Option> options, Function<ModelSpec, Graph> builder) {
    this.id = id;
    this.description = description;
    this.options = Collections.unmodifiableSet(options);
    this.builder = builder;
  }

  String id() {
    return id;
  }

  String description() {
    return description;
  }

  Set<Option> options() {
    return options;
  }

  Graph build(ModelSpec spec) {
    return builder.apply(spec);
  }
}
