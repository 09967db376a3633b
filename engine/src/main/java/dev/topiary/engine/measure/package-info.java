/**
 * Measurement read from the graph and the runtime: parameters and MACs per node ({@link
 * dev.topiary.engine.measure.ModelStats}; MACs of Conv and Gemm per image, biases excluded),
 * latency per batch size ({@link dev.topiary.engine.measure.LatencyBench}) and size on disk, raw
 * and zipped ({@link dev.topiary.engine.measure.ModelSize}).
 */
package dev.topiary.engine.measure;
