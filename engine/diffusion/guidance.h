// Classifier-free guidance (Ho & Salimans 2022): out = uncond + g (cond - uncond), where
// uncond is the model's output for the null class (index num_classes). One batched call
// evaluates both halves. g = 1, an unconditional model or no classes: a single plain call.
#pragma once
#include <torch/types.h>

#include "engine/models/denoiser.h"

namespace latentlab {

// t: one timestep for the whole batch (the sampler's current one).
torch::Tensor guidedModelOutput(Denoiser& denoiser, const torch::Tensor& xt, double t, const torch::Tensor& classes,
                                double guidance);

}  // namespace latentlab
