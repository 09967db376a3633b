/**
 * Parameter storage: dense float32 tensors and the safetensors files that hold them.
 *
 * <p>{@link dev.topiary.engine.weights.Tensor} is one dense row-major float32 tensor.
 * {@link dev.topiary.engine.weights.Weights} maps each {@link dev.topiary.engine.graph.ParamKey}
 * of a graph to its tensor, reads and writes itself as safetensors (tensor names are {@code
 * <node>.<role key>}) and checks itself against the shapes a graph expects, given as a plain
 * {@code Map<ParamKey, int[]>} so that this package needs nothing from the graph beyond the key.
 * {@link dev.topiary.engine.weights.SafetensorsFile} is the format itself, interoperable with
 * Python's {@code safetensors} library: it writes F32 exactly as that library does and reads F32,
 * F16 and BF16 (widened to float32). {@link dev.topiary.engine.weights.Sha256} digests written
 * files for artifact references.
 *
 * <p>Every malformed or lying file is rejected with an {@link
 * dev.topiary.engine.InvalidWeightsException} naming the file and the reason, before any
 * allocation is sized from the file's own claims; I/O failures (missing file, permissions) stay
 * {@link java.io.IOException}s.
 */
package dev.topiary.engine.weights;
