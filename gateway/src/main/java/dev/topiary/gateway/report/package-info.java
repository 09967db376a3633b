/**
 * The job report: {@link dev.topiary.gateway.report.JobReport} (what the JSON answer holds:
 * baseline against pruned, per-layer channels, epochs, latency per batch size in DJL and ONNX
 * Runtime, a sparse job's sparsity per stage or epoch) and {@link dev.topiary.gateway.report.ReportHtml},
 * the same as one self-contained HTML page with inline SVG charts, and {@link dev.topiary.gateway.report.ModelZip} and {@link
 * dev.topiary.gateway.report.OnnxDownload}, a model of the job as a download (a zip of its folder,
 * or one ONNX file).
 */
package dev.topiary.gateway.report;
