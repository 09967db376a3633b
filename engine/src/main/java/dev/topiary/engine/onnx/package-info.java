/**
 * ONNX at the edges: {@code OnnxImporter} turns a file written by {@code torch.onnx.export} into a
 * {@link dev.topiary.engine.model.Model} (graph and weights), {@code OnnxExporter} writes any model
 * back out as ONNX, and {@code OrtSessions} runs an ONNX model in ONNX Runtime (the deployment
 * runtime) for predictions and latency.
 *
 * <p>The IR stays the single source of truth: import builds a graph with the graph package's
 * builder, export reads one. One table maps each ONNX op type to its importer and one each IR op to
 * its exporter; an op outside the tables is refused with its name. Patterns that PyTorch spells in
 * several ops are folded by small named rewrites.
 */
package dev.topiary.engine.onnx;
