/**
 * Datasets for training and evaluating image classifiers, streamed from compact storage.
 *
 * <p>{@link dev.topiary.engine.data.ImageDataset} holds every sample's uint8 pixels (CHW) in one
 * byte array beside an int label array; subsets are index views. Readers build it from files and
 * report missing, truncated, corrupt or inconsistent files with {@link
 * dev.topiary.engine.InvalidDatasetException} naming the file: {@link
 * dev.topiary.engine.data.IdxReader} (MNIST, Fashion-MNIST; raw or gzip), {@link
 * dev.topiary.engine.data.CifarReader} (CIFAR-10/100 binary batches) and {@link
 * dev.topiary.engine.data.ImageFolderReader} ({@code root/<class>/<image>} PNG or JPEG).
 *
 * <p>{@link dev.topiary.engine.data.SampleTransform}s work on one sample at a time in float space
 * ({@link dev.topiary.engine.data.FloatImage}, reused buffers): {@link
 * dev.topiary.engine.data.Resize}, {@link dev.topiary.engine.data.Pad}, {@link
 * dev.topiary.engine.data.ReplicateChannels}, {@link dev.topiary.engine.data.Normalize}, and the
 * seeded augmentations {@link dev.topiary.engine.data.RandomCrop} and {@link
 * dev.topiary.engine.data.RandomHorizontalFlip}, composed by {@link
 * dev.topiary.engine.data.TransformPipeline}.
 *
 * <p>{@link dev.topiary.engine.data.DataLoader} turns a dataset and a transform into epochs of
 * {@link dev.topiary.engine.data.Batch}es (float32 {@code [B,C,H,W]} data, int32 {@code [B]}
 * labels) created lazily in a caller's {@code NDManager}; the order and augmentation of an epoch
 * depend only on the seed and the epoch number. Nothing here depends on DJL's {@code
 * ai.djl.training.dataset} classes.
 *
 * <p>Image folders of any size stream instead: {@link dev.topiary.engine.data.ImageFolderIndex}
 * lists files and labels (and splits them), {@link dev.topiary.engine.data.StreamingLoader} decodes
 * and transforms them on worker threads into a bounded set of batch buffers, with the same
 * seed-only determinism. Both loaders are {@link dev.topiary.engine.data.BatchSource}s. {@link
 * dev.topiary.engine.data.SyntheticImageFolder} writes deterministic folders for benchmarks and tests.
 */
package dev.topiary.engine.data;
