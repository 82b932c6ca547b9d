// Classifier-free guidance (Ho & Salimans 2022): out = uncond + g (cond - uncond), where
// uncond is the model's output for the null class (index num_classes). One batched call
// evaluates both halves (Denoiser::forwardGuided: the UNet computes the layers the class does
// not reach once for both). g = 1, an unconditional model or no classes: a single plain call.
// On the CPU a large batch is cut into micro-batches of a bounded size (bench/README.md,
// "Batched sampling"): one huge batch runs out of cache and its activations are fresh
// memory every layer, so it was slower per image than batch 1, and its memory grew with the
// count. Each row's output does not depend on the cut (tests/engine/test_batch_sampling.cpp).
#pragma once
#include <torch/types.h>

#include "engine/models/denoiser.h"

namespace latentlab {

// t: one timestep for the whole batch (the sampler's current one).
torch::Tensor guidedModelOutput(Denoiser& denoiser, const torch::Tensor& xt, double t, const torch::Tensor& classes,
                                double guidance);

// How many rows one denoiser call on the CPU may take: this many sample elements (rows x
// sample size; the guided call's two halves both count), at least one row. 0 = no cut.
// The default (16 rows of 28 x 28, chosen by measurement in bench/README.md) keeps a small
// UNet's activations in the cache; a 16-d latent MLP gets 784 rows. CUDA is never cut.
int64_t denoiserChunkElements();
void setDenoiserChunkElements(int64_t elements);  // benchmarks and tests; not thread-safe to change mid-run
int64_t denoiserChunkRows(const torch::Tensor& xt);  // rows per call for this input (its whole batch if uncut)

}  // namespace latentlab
