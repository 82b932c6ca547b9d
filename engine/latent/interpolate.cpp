#include "engine/latent/interpolate.h"

#include <torch/torch.h>

#include "engine/util/errors.h"

namespace latentlab {

torch::Tensor lerp(const torch::Tensor& a, const torch::Tensor& b, double t) { return a + (b - a) * t; }

torch::Tensor slerp(const torch::Tensor& a, const torch::Tensor& b, double t) {
  auto af = a.flatten().to(torch::kFloat64), bf = b.flatten().to(torch::kFloat64);
  double na = af.norm().item<double>(), nb = bf.norm().item<double>();
  if (na < 1e-12 || nb < 1e-12) return lerp(a, b, t);
  double cosOmega = std::clamp((af.dot(bf) / (na * nb)).item<double>(), -1.0, 1.0);
  double omega = std::acos(cosOmega);
  double s = std::sin(omega);
  if (s < 1e-6) return lerp(a, b, t);  // parallel or antiparallel: no unique great circle
  auto out = af * (std::sin((1 - t) * omega) / s) + bf * (std::sin(t * omega) / s);
  return out.view(a.sizes()).to(a.dtype());
}

torch::Tensor interpolate(const torch::Tensor& a, const torch::Tensor& b, int steps, InterpMode mode) {
  if (steps < 2) throw UsageError("interpolation needs at least 2 steps");
  if (a.sizes() != b.sizes()) throw BadInput("interpolation endpoints have different shapes");
  std::vector<torch::Tensor> rows;
  for (int i = 0; i < steps; ++i) {
    double t = double(i) / (steps - 1);
    rows.push_back(mode == InterpMode::Slerp ? slerp(a, b, t) : lerp(a, b, t));
  }
  return torch::stack(rows);
}

torch::Tensor traverse(const torch::Tensor& base, const torch::Tensor& direction, double from, double to, int steps) {
  if (steps < 1) throw UsageError("traversal needs at least 1 step");
  std::vector<torch::Tensor> rows;
  for (int i = 0; i < steps; ++i) {
    double t = steps == 1 ? from : from + (to - from) * i / (steps - 1);
    rows.push_back(base + direction * t);
  }
  return torch::stack(rows);
}

torch::Tensor axisDirection(int64_t size, int64_t dim) {
  if (dim < 0 || dim >= size)
    throw UsageError("latent dimension " + std::to_string(dim) + " out of range 0.." + std::to_string(size - 1));
  auto d = torch::zeros({size});
  d[dim] = 1.0;
  return d;
}

}  // namespace latentlab
