/**
 * The pipeline's shared contracts, used by the gateway and every stage service: versioned event
 * records and topic names, the job spec and its compiled plan, and the artifact store over any
 * S3-compatible endpoint. No Quarkus here: services adapt these to their framework.
 */
package dev.topiary.pipeline;
