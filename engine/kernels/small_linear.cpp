#include "engine/kernels/small_linear.h"

#include <torch/torch.h>

namespace latentlab {

namespace {

constexpr int kLanes = 16;  // independent partial sums per row: one AVX-512 or two AVX2 registers

// One weight row against R input rows. The lane arrays let the compiler vectorise the
// sum without reassociating floats (-ffast-math is not needed); the clones below pick
// AVX-512 or AVX2+FMA at run time and keep a generic build for any x86-64.
template <int R>
inline void rowDots(const float* __restrict w, const float* __restrict x, int64_t in, float* sums) {
  float acc[R][kLanes] = {};
  const int64_t body = in - in % kLanes;
  for (int64_t i = 0; i < body; i += kLanes)
    for (int r = 0; r < R; ++r)
      for (int k = 0; k < kLanes; ++k) acc[r][k] += w[i + k] * x[r * in + i + k];
  for (int r = 0; r < R; ++r) {
    float s = 0;
    for (int k = 0; k < kLanes; ++k) s += acc[r][k];
    for (int64_t i = body; i < in; ++i) s += w[i] * x[r * in + i];
    sums[r] = s;
  }
}

template <int R>
void linearRows(const float* x, const float* w, const float* bias, int64_t in, int64_t out, float* y) {
  float sums[R];
  for (int64_t o = 0; o < out; ++o) {
    rowDots<R>(w + o * in, x, in, sums);
    for (int r = 0; r < R; ++r) y[r * out + o] = sums[r] + (bias ? bias[o] : 0.f);
  }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LATENTLAB_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LATENTLAB_CLONES
#endif

LATENTLAB_CLONES void kernel(const float* x, int64_t rows, const float* w, const float* bias, int64_t in, int64_t out,
                             float* y) {
  switch (rows) {
    case 1: return linearRows<1>(x, w, bias, in, out, y);
    case 2: return linearRows<2>(x, w, bias, in, out, y);
    case 3: return linearRows<3>(x, w, bias, in, out, y);
    default: return linearRows<4>(x, w, bias, in, out, y);
  }
}

}  // namespace

void smallLinearKernel(const float* x, int64_t rows, const float* w, const float* bias, int64_t in, int64_t out,
                       float* y) {
  TORCH_CHECK(rows >= 1 && rows <= kSmallLinearMaxRows, "smallLinearKernel: 1 to 4 rows");
  kernel(x, rows, w, bias, in, out, y);
}

bool smallLinearApplies(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  auto plain = [](const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous() && t.layout() == torch::kStrided;
  };
  if (x.dim() != 2 || weight.dim() != 2 || x.size(0) < 1 || x.size(0) > kSmallLinearMaxRows) return false;
  if (x.size(1) != weight.size(1) || !plain(x) || !plain(weight)) return false;
  if (bias.defined() && (!plain(bias) || bias.dim() != 1 || bias.size(0) != weight.size(0))) return false;
  // Training needs autograd's graph: only inference (InferenceMode, NoGradGuard, or
  // tensors that want no gradient) takes the kernel.
  const bool wantsGrad = x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad());
  return !(wantsGrad && torch::GradMode::is_enabled());
}

torch::Tensor smallLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!smallLinearApplies(x, weight, bias)) return torch::linear(x, weight, bias);
  auto y = torch::empty({x.size(0), weight.size(0)}, x.options());
  kernel(x.data_ptr<float>(), x.size(0), weight.data_ptr<float>(), bias.defined() ? bias.data_ptr<float>() : nullptr,
         x.size(1), weight.size(0), y.data_ptr<float>());
  return y;
}

}  // namespace latentlab
