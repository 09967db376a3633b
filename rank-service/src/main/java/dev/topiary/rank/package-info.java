/** The rank-service: scores filters and channels (L1/L2 norm, BatchNorm scale, HRank feature-map rank, Taylor, APoZ) for the job's rank steps. */
package dev.topiary.rank;
