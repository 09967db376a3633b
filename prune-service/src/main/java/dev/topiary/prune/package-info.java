/** The prune-service: cuts channel groups out of the model by surgery, or applies unstructured / N:M masks, for the job's prune steps. */
package dev.topiary.prune;
