/**
 * A {@link dev.topiary.engine.model.Model} is a graph, weights checked against it, and its pruning
 * history; its folder form ({@code graph.json}, {@code weights.safetensors}, {@code history.json})
 * is the model artifact every stage reads and writes.
 */
package dev.topiary.engine.model;
