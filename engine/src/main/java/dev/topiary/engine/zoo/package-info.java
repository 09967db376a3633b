/**
 * The model zoo: {@link dev.topiary.engine.zoo.Zoo} builds the {@link dev.topiary.engine.graph.Graph}
 * of a named architecture (LeNet-5, HRank's CIFAR VGG-16, ResNet-20/56/110, DenseNet-40 and
 * GoogLeNet, torchvision's MobileNetV2, YOLOv5s) from a {@link dev.topiary.engine.zoo.ModelSpec}.
 * Each architecture lives in one package-private class; node names follow the reference
 * implementation's PyTorch module paths.
 */
package dev.topiary.engine.zoo;
