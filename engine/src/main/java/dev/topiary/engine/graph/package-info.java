/**
 * The model IR: a {@link dev.topiary.engine.graph.Graph} is a validated DAG of {@link
 * dev.topiary.engine.graph.Node}s whose {@link dev.topiary.engine.graph.Op}s are immutable records
 * named after ONNX operators. Shapes are per sample and inferred from the declared inputs;
 * parameters are keyed by node and {@link dev.topiary.engine.graph.ParamRole}. {@link
 * dev.topiary.engine.graph.GraphJson} is the versioned JSON form ({@code graph.json}).
 */
package dev.topiary.engine.graph;
