#include "engine/models/timestep_embedding.h"

#include <torch/torch.h>

#include <cmath>

namespace latentlab {

torch::Tensor timestepEmbedding(const torch::Tensor& t, int64_t dim) {
  const int64_t half = dim / 2;
  auto opts = torch::TensorOptions().dtype(torch::kFloat).device(t.device());
  auto freqs = torch::exp(torch::arange(half, opts) * (-std::log(10000.0) / double(half)));
  auto args = t.to(torch::kFloat).reshape({-1, 1}) * freqs.reshape({1, -1});
  auto emb = torch::cat({torch::cos(args), torch::sin(args)}, 1);
  if (dim % 2) emb = torch::cat({emb, torch::zeros({emb.size(0), 1}, opts)}, 1);
  return emb;
}

}  // namespace latentlab
