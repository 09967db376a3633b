/**
 * Uploads of models and datasets. Each is checked with the engine's own readers before anything
 * is stored (a graph that reads strictly, safetensors whose tensors fit the graph, an ONNX file
 * that the engine's importer imports, a dataset that its kind's reader opens for both splits),
 * then stored under a server-chosen prefix {@code
 * uploads/<tenant>/<models|datasets>/<id>/}; user file names never become keys. A failure midway
 * deletes the prefix.
 */
package dev.topiary.gateway.upload;
