// The Frechet distance between two Gaussians fitted to feature vectors (the FID formula,
// here in the feature space of our own classifier):
//   ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^1/2)
// tr((S1 S2)^1/2) is computed as tr((S1^1/2 S2 S1^1/2)^1/2): a symmetric positive
// semi-definite matrix, so both square roots come from symmetric eigendecompositions
// (eigenvalues below zero from round-off are clamped), never from a general matrix root.
// Everything is in float64 on the CPU. Pure arithmetic: no models, no files.
#pragma once
#include <torch/types.h>

namespace latentlab {

struct GaussianStats {
  torch::Tensor mean;  // D, float64
  torch::Tensor cov;   // D x D, float64, unbiased (divided by N - 1)
  int64_t count = 0;
};

// Accumulates feature rows batch by batch (so 2,000+ samples never sit in memory as images).
class FeatureMoments {
 public:
  void add(const torch::Tensor& features);  // N x D, any float dtype and device
  int64_t count() const { return m_count; }
  // Throws BadInput when fewer than 2 rows were added.
  [[nodiscard]] GaussianStats stats() const;

 private:
  torch::Tensor m_sum, m_outer;  // D and D x D sums, float64 CPU
  int64_t m_count = 0;
};

[[nodiscard]] GaussianStats gaussianStats(const torch::Tensor& features);  // N x D, N >= 2

// Square root of a symmetric positive semi-definite matrix (float64).
[[nodiscard]] torch::Tensor sqrtPsd(const torch::Tensor& s);

[[nodiscard]] double frechetDistance(const GaussianStats& a, const GaussianStats& b);

}  // namespace latentlab
