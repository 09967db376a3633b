/**
 * Unstructured and N:M (2:4) sparsity by masks: weights are zeroed in place of being removed, so
 * the graph and the tensor shapes never change and the model stays dense.
 *
 * <p>What lives here:
 *
 * <ul>
 *   <li>{@link dev.topiary.engine.prune.sparse.SparsityMask}: a keep/prune flag per weight of each
 *       Conv and Gemm node; applies to a model, converts to the masks {@link
 *       dev.topiary.engine.train.TrainingRun.Builder#optMasks} keeps at zero during fine-tuning,
 *       and is stored as {@value dev.topiary.engine.prune.sparse.SparsityMask#FILE_NAME} next to
 *       a model.
 *   <li>{@link dev.topiary.engine.prune.sparse.SparsityRules} with {@link
 *       dev.topiary.engine.prune.sparse.LayerSelector}: which layer gets which sparsity, as an
 *       ordered rule list (later rules override earlier ones), e.g. Paddle's VGG-16 recipe {@code
 *       Conv[1..2]=0.5; Conv[3..12]=0.8; Gemm=0.99}.
 *   <li>{@link dev.topiary.engine.prune.sparse.MagnitudePruner}: per-layer and global magnitude
 *       pruning (Han et al. 2015, Paddle's static pruning hook).
 *   <li>{@link dev.topiary.engine.prune.sparse.NmPruner}: N:M structured sparsity along input
 *       channels (NVIDIA's 2:4 for sparse Tensor Cores), skipping layers as NVIDIA ASP does.
 *   <li>{@link dev.topiary.engine.prune.sparse.SparsityReport}: per-layer and total sparsity, raw
 *       and zipped model size before and after.
 *   <li>{@link dev.topiary.engine.prune.sparse.SparsitySchedule}: sparsity per epoch for gradual
 *       pruning (AGP cubic, Paddle's log curve, static stages).
 * </ul>
 *
 * <p>Only the {@code weight} of Conv and Gemm nodes is ever masked ("prunable weights"); biases,
 * batch-norm parameters and statistics stay dense, as in Paddle, PaddleSlim and NVIDIA ASP.
 */
package dev.topiary.engine.prune.sparse;
