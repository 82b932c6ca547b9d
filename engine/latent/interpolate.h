// Interpolation and traversal in latent space. Pure math on tensors; rows are latents.
#pragma once
#include <torch/types.h>

#include "engine/latent/latent_path.h"  // InterpMode; torch-free paths through several endpoints

namespace latentlab {

// a, b: latent vectors (any shape, same shape). Returns steps x a.shape, from a to b
// inclusive. Slerp falls back to lerp when a and b are (nearly) parallel or one is zero.
torch::Tensor interpolate(const torch::Tensor& a, const torch::Tensor& b, int steps, InterpMode mode);
torch::Tensor slerp(const torch::Tensor& a, const torch::Tensor& b, double t);
torch::Tensor lerp(const torch::Tensor& a, const torch::Tensor& b, double t);

// base + t * direction for t evenly spaced in [from, to]: steps x base.shape.
torch::Tensor traverse(const torch::Tensor& base, const torch::Tensor& direction, double from, double to, int steps);
// Unit vector along latent dimension `dim` of a latent of `size` elements.
torch::Tensor axisDirection(int64_t size, int64_t dim);

}  // namespace latentlab
