/**
 * The artifact store: files and model folders in any S3-compatible object store (MinIO, AWS S3,
 * S3Proxy), addressed by {@link dev.topiary.pipeline.store.ArtifactRef} (bucket, key, SHA-256, size).
 * {@link dev.topiary.pipeline.store.ArtifactStore} writes each object with its SHA-256 as user
 * metadata, verifies size and hash on every read before the file appears at its target, retries
 * transient S3 failures with exponential backoff ({@link dev.topiary.pipeline.store.RetryPolicy}),
 * and can keep a local content-addressed cache. {@link dev.topiary.pipeline.store.Keys} is the key
 * layout, {@link dev.topiary.pipeline.store.ModelRef} a stored model folder.
 */
package dev.topiary.pipeline.store;
