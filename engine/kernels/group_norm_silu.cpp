#include "engine/kernels/group_norm_silu.h"

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/kernels/vec_math.h"

namespace latentlab {

namespace {

constexpr int kLanes = 16;

LATENTLAB_CLONES void channelSums(const float* x, int64_t len, double* sum, double* sumSq) {
  float s[kLanes] = {}, q[kLanes] = {};
  const int64_t body = len - len % kLanes;
  for (int64_t i = 0; i < body; i += kLanes)
    for (int k = 0; k < kLanes; ++k) {
      s[k] += x[i + k];
      q[k] += x[i + k] * x[i + k];
    }
  double ds = 0, dq = 0;
  for (int k = 0; k < kLanes; ++k) ds += s[k], dq += q[k];
  for (int64_t i = body; i < len; ++i) ds += x[i], dq += double(x[i]) * x[i];
  *sum = ds, *sumSq = dq;
}

LATENTLAB_CLONES void scaleShiftSilu(const float* x, int64_t len, float scale, float shift, float* y) {
  for (int64_t i = 0; i < len; ++i) {
    const float v = x[i] * scale + shift;
    y[i] = v / (1.0f + expVec(-v));
  }
}

// Channels-last (N x H x W x C in memory): the channel is the fastest index, so both passes
// run along a row of C channels per position and vectorise over channels. Pointers are
// __restrict and the in-place pass reads and writes through one pointer: the compiler
// needs no run-time alias check, which fails for an exact overlap and falls back to scalar
// code. Sums of `kFlush` positions are taken in float, then added in double, as the
// channels-first kernel's lanes do.
constexpr int64_t kFlush = 32;

LATENTLAB_CLONES void channelSumsLast(const float* __restrict x, int64_t positions, int64_t c,
                                      double* __restrict sum, double* __restrict sumSq, float* __restrict s,
                                      float* __restrict q) {
  for (int64_t ch = 0; ch < c; ++ch) sum[ch] = sumSq[ch] = 0;
  for (int64_t p0 = 0; p0 < positions; p0 += kFlush) {
    const int64_t p1 = std::min(positions, p0 + kFlush);
    for (int64_t ch = 0; ch < c; ++ch) s[ch] = q[ch] = 0;
    for (int64_t p = p0; p < p1; ++p) {
      const float* row = x + p * c;
      for (int64_t ch = 0; ch < c; ++ch) {
        s[ch] += row[ch];
        q[ch] += row[ch] * row[ch];
      }
    }
    for (int64_t ch = 0; ch < c; ++ch) sum[ch] += s[ch], sumSq[ch] += q[ch];
  }
}

LATENTLAB_CLONES void scaleShiftSiluLastInPlace(float* xy, int64_t positions, int64_t c, const float* __restrict scale,
                                                const float* __restrict shift) {
  for (int64_t p = 0; p < positions; ++p) {
    float* row = xy + p * c;
    for (int64_t ch = 0; ch < c; ++ch) {
      const float v = row[ch] * scale[ch] + shift[ch];
      row[ch] = v / (1.0f + expVec(-v));
    }
  }
}

LATENTLAB_CLONES void scaleShiftSiluLast(const float* __restrict x, int64_t positions, int64_t c,
                                         const float* __restrict scale, const float* __restrict shift,
                                         float* __restrict y) {
  for (int64_t p = 0; p < positions; ++p)
    for (int64_t ch = 0; ch < c; ++ch) {
      const float v = x[p * c + ch] * scale[ch] + shift[ch];
      y[p * c + ch] = v / (1.0f + expVec(-v));
    }
}

bool channelsLastOnly(const torch::Tensor& x) {
  return x.dim() == 4 && !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
}

}  // namespace

bool groupNormSiluApplies(const torch::Tensor& x, const torch::Tensor& gamma, const torch::Tensor& beta,
                          const torch::Tensor& bias) {
  auto plain = [](const torch::Tensor& t) {
    return !t.defined() ||
           (t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous() && t.layout() == torch::kStrided);
  };
  const bool xPlain = x.defined() && (plain(x) || (channelsLastOnly(x) && x.device().is_cpu() &&
                                                   x.scalar_type() == torch::kFloat && x.layout() == torch::kStrided));
  if (x.dim() < 2 || !xPlain || !plain(gamma) || !plain(beta) || !plain(bias)) return false;
  bool wantsGrad = false;
  for (const auto* t : {&x, &gamma, &beta, &bias}) wantsGrad |= t->defined() && t->requires_grad();
  return !(wantsGrad && torch::GradMode::is_enabled());
}

torch::Tensor groupNormSilu(const torch::Tensor& x, int64_t groups, const torch::Tensor& gamma,
                            const torch::Tensor& beta, double eps, const torch::Tensor& bias, bool inPlace) {
  const int64_t n = x.size(0), c = x.size(1);
  TORCH_CHECK(groups > 0 && c % groups == 0, "groupNormSilu: ", c, " channels are not divisible into ", groups, " groups");
  if (bias.defined()) TORCH_CHECK(bias.dim() == 2 && bias.size(0) == n && bias.size(1) == c, "groupNormSilu: bias must be N x C");
  if (!groupNormSiluApplies(x, gamma, beta, bias)) {
    auto in = x;
    if (bias.defined()) {
      std::vector<int64_t> shape = {n, c};
      shape.resize(size_t(x.dim()), 1);
      in = x + bias.reshape(shape);
    }
    return torch::silu(torch::group_norm(in, groups, gamma, beta, eps));
  }
  RECORD_FUNCTION("latentlab::group_norm_silu", std::vector<c10::IValue>());  // named in profiles
  const int64_t hw = c ? x.numel() / (n * c) : 0, perGroup = c / groups;
  auto y = inPlace ? x : torch::empty_like(x);  // (empty_like keeps channels-last)
  const float* px = x.data_ptr<float>();
  float* py = y.data_ptr<float>();
  const float* g = gamma.defined() ? gamma.data_ptr<float>() : nullptr;
  const float* b = beta.defined() ? beta.data_ptr<float>() : nullptr;
  const float* bi = bias.defined() ? bias.data_ptr<float>() : nullptr;
  if (channelsLastOnly(x)) {
    std::vector<double> sum(static_cast<size_t>(c)), sumSq(static_cast<size_t>(c));
    std::vector<float> scale(static_cast<size_t>(c)), shift(static_cast<size_t>(c)), s(static_cast<size_t>(c)),
        q(static_cast<size_t>(c));
    for (int64_t smp = 0; smp < n; ++smp) {
      channelSumsLast(px + smp * hw * c, hw, c, sum.data(), sumSq.data(), s.data(), q.data());
      for (int64_t gr = 0; gr < groups; ++gr) {
        double total = 0, totalSq = 0;
        for (int64_t ch = gr * perGroup; ch < (gr + 1) * perGroup; ++ch) {
          const double bv = bi ? bi[smp * c + ch] : 0.0;
          total += sum[size_t(ch)] + double(hw) * bv;
          totalSq += sumSq[size_t(ch)] + 2.0 * bv * sum[size_t(ch)] + double(hw) * bv * bv;
        }
        const double count = double(perGroup * hw), mean = total / count;
        const double var = std::max(totalSq / count - mean * mean, 0.0), rstd = 1.0 / std::sqrt(var + eps);
        for (int64_t ch = gr * perGroup; ch < (gr + 1) * perGroup; ++ch) {
          const double gv = g ? g[ch] : 1.0, bv = b ? b[ch] : 0.0, biasv = bi ? bi[smp * c + ch] : 0.0;
          scale[size_t(ch)] = float(rstd * gv);
          shift[size_t(ch)] = float((biasv - mean) * rstd * gv + bv);
        }
      }
      if (px == py) scaleShiftSiluLastInPlace(py + smp * hw * c, hw, c, scale.data(), shift.data());
      else scaleShiftSiluLast(px + smp * hw * c, hw, c, scale.data(), shift.data(), py + smp * hw * c);
    }
    return y;
  }
  std::vector<double> sum(static_cast<size_t>(perGroup)), sumSq(static_cast<size_t>(perGroup));
  for (int64_t s = 0; s < n; ++s)
    for (int64_t gr = 0; gr < groups; ++gr) {
      // Statistics of (x + bias) from x's per-channel sums: the bias is constant per channel.
      double total = 0, totalSq = 0;
      for (int64_t k = 0; k < perGroup; ++k) {
        const int64_t ch = gr * perGroup + k;
        channelSums(px + (s * c + ch) * hw, hw, &sum[size_t(k)], &sumSq[size_t(k)]);
        const double bv = bi ? bi[s * c + ch] : 0.0;
        total += sum[size_t(k)] + double(hw) * bv;
        totalSq += sumSq[size_t(k)] + 2.0 * bv * sum[size_t(k)] + double(hw) * bv * bv;
      }
      const double count = double(perGroup * hw), mean = total / count;
      const double var = std::max(totalSq / count - mean * mean, 0.0), rstd = 1.0 / std::sqrt(var + eps);
      for (int64_t k = 0; k < perGroup; ++k) {
        const int64_t ch = gr * perGroup + k;
        const double gv = g ? g[ch] : 1.0, bv = b ? b[ch] : 0.0, biasv = bi ? bi[s * c + ch] : 0.0;
        const double scale = rstd * gv;
        scaleShiftSilu(px + (s * c + ch) * hw, hw, float(scale), float((biasv - mean) * scale + bv),
                       py + (s * c + ch) * hw);
      }
    }
  return y;
}

}  // namespace latentlab
