/** The finetune-service: trains: baseline training, fine-tuning after a cut, sparsity training and gradual pruning, one event per epoch, resumable from the store's epoch checkpoints. */
package dev.topiary.finetune;
