/** The eval-service: measures accuracy, parameters, FLOPs, size and latency per batch size and device, for the job's baseline and final evaluations. */
package dev.topiary.eval;
