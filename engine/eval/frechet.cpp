#include "engine/eval/frechet.h"

#include <torch/torch.h>

#include "engine/util/errors.h"

namespace latentlab {

void FeatureMoments::add(const torch::Tensor& features) {
  if (features.dim() != 2) throw BadInput("feature moments: features must be N x D");
  auto f = features.detach().to(torch::kCPU, torch::kDouble);
  if (!m_sum.defined()) {
    m_sum = torch::zeros({f.size(1)}, torch::kDouble);
    m_outer = torch::zeros({f.size(1), f.size(1)}, torch::kDouble);
  } else if (f.size(1) != m_sum.size(0)) {
    throw BadInput("feature moments: feature size changed between batches");
  }
  m_sum += f.sum(0);
  m_outer += f.t().mm(f);
  m_count += f.size(0);
}

GaussianStats FeatureMoments::stats() const {
  if (m_count < 2) throw BadInput("Frechet distance: at least 2 feature vectors are needed");
  GaussianStats s;
  s.count = m_count;
  s.mean = m_sum / double(m_count);
  // Sums of outer products lose precision when the mean is large against the spread; the
  // features here are O(1) ReLU activations in float64, far from that regime.
  s.cov = (m_outer - double(m_count) * torch::outer(s.mean, s.mean)) / double(m_count - 1);
  s.cov = 0.5 * (s.cov + s.cov.t());
  return s;
}

GaussianStats gaussianStats(const torch::Tensor& features) {
  if (features.dim() != 2 || features.size(0) < 2)
    throw BadInput("Frechet distance: features must be N x D with N >= 2");
  auto f = features.detach().to(torch::kCPU, torch::kDouble);
  GaussianStats s;
  s.count = f.size(0);
  s.mean = f.mean(0);
  auto c = f - s.mean;
  s.cov = c.t().mm(c) / double(s.count - 1);
  return s;
}

torch::Tensor sqrtPsd(const torch::Tensor& s) {
  auto sym = 0.5 * (s + s.t());
  auto [w, v] = torch::linalg_eigh(sym.to(torch::kDouble));
  return (v * w.clamp_min(0).sqrt().unsqueeze(0)).mm(v.t());
}

double frechetDistance(const GaussianStats& a, const GaussianStats& b) {
  if (!a.mean.defined() || !b.mean.defined() || a.mean.sizes() != b.mean.sizes())
    throw BadInput("Frechet distance: the two feature sets have different dimensions");
  auto s1 = a.cov.to(torch::kDouble), s2 = b.cov.to(torch::kDouble);
  auto r1 = sqrtPsd(s1);
  auto m = r1.mm(s2).mm(r1);
  auto eig = torch::linalg_eigvalsh(0.5 * (m + m.t()));
  double trSqrt = eig.clamp_min(0).sqrt().sum().item<double>();
  double meanTerm =
      (a.mean.to(torch::kDouble) - b.mean.to(torch::kDouble)).pow(2).sum().item<double>();
  // Not clamped at 0: round-off may leave a tiny negative, and a clamp would hide a real error.
  return meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * trSqrt;
}

}  // namespace latentlab
