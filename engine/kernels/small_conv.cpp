#include "engine/kernels/small_conv.h"

#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "engine/kernels/vec_math.h"

namespace latentlab {

namespace {

constexpr int kLanes = 16;

struct Geometry {
  int64_t h, w, cin, oh, ow, cout, k, stride, padding;
  bool transposed;
};

// The input index that tap `tap` of output position o reads along one axis, or -1 when it
// falls outside (padding) or, transposed, between the strided input positions.
inline int64_t sourceIndex(const Geometry& g, int64_t o, int64_t tap, int64_t size) {
  if (!g.transposed) {
    const int64_t i = o * g.stride - g.padding + tap;
    return i >= 0 && i < size ? i : -1;
  }
  const int64_t num = o + g.padding - tap;  // o = i * stride - padding + tap
  if (num < 0 || num % g.stride) return -1;
  const int64_t i = num / g.stride;
  return i < size ? i : -1;
}

// sourceIndex for every (output position, tap) of one axis, computed once per call: the
// divisions of the transposed case stay out of the pixel loops.
std::vector<int64_t> tapTable(const Geometry& g, int64_t outSize, int64_t inSize) {
  std::vector<int64_t> t(size_t(outSize * g.k));
  for (int64_t o = 0; o < outSize; ++o)
    for (int64_t tap = 0; tap < g.k; ++tap) t[size_t(o * g.k + tap)] = sourceIndex(g, o, tap, inSize);
  return t;
}

// 16 floats; aligned(4) lets it load from and store to any float address.
typedef float Vec __attribute__((vector_size(64), aligned(4)));

// Output channels vectorised (NV vectors of 16 = Cout), P output pixels at a time that share
// each weight load: acc[p] += x_p[ci] * w[tap][ci][:]. Pixels of a tile are `step` apart
// (a transposed convolution's stride), so they use the same taps; a pixel whose tap falls
// outside reads a row of zeros. Independent accumulators keep the multiply-adds from
// waiting on each other.
template <int NV, int P>
__attribute__((always_inline)) inline void wideConv(const Geometry& g, const int64_t* rows, const int64_t* cols, const float* __restrict x,
                     const float* __restrict w, const float* __restrict bias, float* __restrict y,
                     const float* __restrict zeros) {
  constexpr int64_t cout = NV * 16;
  const int64_t step = g.transposed ? g.stride : 1;
  Vec b[NV];
  for (int j = 0; j < NV; ++j) b[j] = *reinterpret_cast<const Vec*>(bias + 16 * j);
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t r = 0; r < step; ++r)
      for (int64_t ox0 = r; ox0 < g.ow; ox0 += P * step) {
        const int64_t np = std::min<int64_t>(P, (g.ow - ox0 + step - 1) / step);
        Vec acc[P][NV];
        for (int p = 0; p < P; ++p)
          for (int j = 0; j < NV; ++j) acc[p][j] = b[j];
        for (int64_t ky = 0; ky < g.k; ++ky) {
          const int64_t iy = rows[oy * g.k + ky];
          if (iy < 0) continue;
          for (int64_t kx = 0; kx < g.k; ++kx) {
            const float* in[P];
            bool any = false;
            for (int p = 0; p < P; ++p) {
              const int64_t ix = p < np ? cols[(ox0 + p * step) * g.k + kx] : -1;
              in[p] = ix < 0 ? zeros : x + (iy * g.w + ix) * g.cin;
              any |= ix >= 0;
            }
            if (!any) continue;
            const float* wt = w + (ky * g.k + kx) * g.cin * cout;
            for (int64_t ci = 0; ci < g.cin; ++ci) {
              Vec wv[NV];
              for (int j = 0; j < NV; ++j) wv[j] = *reinterpret_cast<const Vec*>(wt + ci * cout + 16 * j);
#pragma GCC unroll 8
              for (int p = 0; p < P; ++p) {
                const float s = in[p][ci];
                for (int j = 0; j < NV; ++j) acc[p][j] += s * wv[j];
              }
            }
          }
        }
        for (int p = 0; p < np; ++p)
          for (int j = 0; j < NV; ++j)
            *reinterpret_cast<Vec*>(y + (oy * g.ow + ox0 + p * step) * cout + 16 * j) = acc[p][j];
      }
}

// Any other channel counts: per output pixel and channel a dot product over the input
// channels in kLanes partial sums (vectorised without reassociating floats), weights
// w[tap][co][ci]. Used for layers with few output channels (an image's 1 or 3).
__attribute__((always_inline)) inline void dotConv(const Geometry& g, const int64_t* rows, const int64_t* cols, const float* __restrict x,
                    const float* __restrict w, const float* __restrict bias, float* __restrict y) {
  const int64_t body = g.cin - g.cin % kLanes;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox)
      for (int64_t co = 0; co < g.cout; ++co) {
        float lanes[kLanes] = {};
        float tail = 0;
        for (int64_t ky = 0; ky < g.k; ++ky) {
          const int64_t iy = rows[oy * g.k + ky];
          if (iy < 0) continue;
          for (int64_t kx = 0; kx < g.k; ++kx) {
            const int64_t ix = cols[ox * g.k + kx];
            if (ix < 0) continue;
            const float* in = x + (iy * g.w + ix) * g.cin;
            const float* wr = w + ((ky * g.k + kx) * g.cout + co) * g.cin;
            for (int64_t i = 0; i < body; i += kLanes)
              for (int l = 0; l < kLanes; ++l) lanes[l] += in[i + l] * wr[i + l];
            for (int64_t i = body; i < g.cin; ++i) tail += in[i] * wr[i];
          }
        }
        for (int half = kLanes / 2; half > 0; half /= 2)  // a tree: log2(16) dependent adds, not 16
          for (int l = 0; l < half; ++l) lanes[l] += lanes[l + half];
        const float s = bias[co] + tail + lanes[0];
        y[(oy * g.ow + ox) * g.cout + co] = s;
      }
}

// True when the output channels go to wideConv (w packed k x k x Cin x Cout), else dotConv.
inline bool wideLayout(int64_t cout) { return cout == 16 || cout == 32 || cout == 48 || cout == 64; }

LATENTLAB_CLONES void convKernel(const Geometry& g, const float* x, const float* w, const float* bias, float* y) {
  const auto rows = tapTable(g, g.oh, g.h), cols = tapTable(g, g.ow, g.w);
  const std::vector<float> zeros(size_t(g.cin), 0.0f);
  switch (wideLayout(g.cout) ? g.cout : 0) {
    case 16: return wideConv<1, 4>(g, rows.data(), cols.data(), x, w, bias, y, zeros.data());
    case 32: return wideConv<2, 4>(g, rows.data(), cols.data(), x, w, bias, y, zeros.data());
    case 48: return wideConv<3, 4>(g, rows.data(), cols.data(), x, w, bias, y, zeros.data());
    case 64: return wideConv<4, 4>(g, rows.data(), cols.data(), x, w, bias, y, zeros.data());
    default: return dotConv(g, rows.data(), cols.data(), x, w, bias, y);
  }
}

// The activation over a whole output, in its own pass: vectorised (expVec), where applying
// it per pixel inside the convolution loop compiled to scalar code.
LATENTLAB_CLONES void activateAll(float* y, int64_t n, SmallConvActivation act) {
  if (act == SmallConvActivation::Silu)
    for (int64_t i = 0; i < n; ++i) y[i] = y[i] / (1.0f + expVec(-y[i]));
  else if (act == SmallConvActivation::Sigmoid)
    for (int64_t i = 0; i < n; ++i) y[i] = 1.0f / (1.0f + expVec(-y[i]));
}

}  // namespace

PackedSmallConv packSmallConv(const torch::Tensor& weight, const torch::Tensor& bias, bool transposed, int64_t stride,
                              int64_t padding) {
  TORCH_CHECK(weight.dim() == 4 && weight.size(2) == weight.size(3), "packSmallConv: a square 4-d weight");
  TORCH_CHECK(stride >= 1 && padding >= 0, "packSmallConv: stride >= 1, padding >= 0");
  c10::InferenceMode normalTensors(false);  // usable outside InferenceMode too
  torch::NoGradGuard noGrad;
  PackedSmallConv p;
  p.transposed = transposed, p.stride = stride, p.padding = padding, p.k = weight.size(2);
  p.cin = transposed ? weight.size(0) : weight.size(1);
  p.cout = transposed ? weight.size(1) : weight.size(0);
  p.wide = wideLayout(p.cout);
  auto w = weight.detach().to(torch::kFloat);
  if (transposed) w = w.transpose(0, 1);  // now Cout x Cin x k x k either way
  // wide: k x k x Cin x Cout; narrow: k x k x Cout x Cin.
  p.weight = (p.wide ? w.permute({2, 3, 1, 0}) : w.permute({2, 3, 0, 1})).contiguous().cpu();
  p.bias = bias.defined() ? bias.detach().to(torch::kFloat).contiguous().cpu() : torch::zeros({p.cout});
  return p;
}

torch::Tensor smallConvHwc(const PackedSmallConv& p, const torch::Tensor& x, SmallConvActivation act) {
  TORCH_CHECK(x.dim() == 3 && x.size(2) == p.cin && x.scalar_type() == torch::kFloat && x.is_contiguous() &&
                  x.device().is_cpu(),
              "smallConvHwc: x must be a contiguous CPU float H x W x ", p.cin, " tensor");
  Geometry g{x.size(0), x.size(1), p.cin, p.outSize(x.size(0)), p.outSize(x.size(1)), p.cout, p.k, p.stride,
             p.padding, p.transposed};
  TORCH_CHECK(g.oh > 0 && g.ow > 0, "smallConvHwc: the input is smaller than the kernel");
  auto y = torch::empty({g.oh, g.ow, g.cout}, x.options());
  convKernel(g, x.data_ptr<float>(), p.weight.data_ptr<float>(), p.bias.data_ptr<float>(), y.data_ptr<float>());
  if (act != SmallConvActivation::None) activateAll(y.data_ptr<float>(), y.numel(), act);
  return y;
}

PackedSmallConv SmallConvCache::get(const torch::Tensor& weight, const torch::Tensor& bias, bool transposed,
                                     int64_t stride, int64_t padding) {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto& e = m_entries[weight.unsafeGetTensorImpl()];
  const int64_t version = (weight.is_inference() ? 0 : int64_t(weight._version())) +
                          (bias.defined() && !bias.is_inference() ? int64_t(bias._version()) : 0);
  if (!e.source.is_same(weight) || e.version != version) e = {weight, version, packSmallConv(weight, bias, transposed, stride, padding)};
  return e.packed;
}

}  // namespace latentlab
