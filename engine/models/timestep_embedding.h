// Sinusoidal timestep embedding (Vaswani et al. 2017, as used by DDPM): t (N, float, in
// training timesteps) -> N x dim of cos/sin at geometrically spaced frequencies.
// Shared by the built-in denoisers so they agree on how t is presented.
#pragma once
#include <torch/types.h>

namespace latentlab {

torch::Tensor timestepEmbedding(const torch::Tensor& t, int64_t dim);

}  // namespace latentlab
