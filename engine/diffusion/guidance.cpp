#include "engine/diffusion/guidance.h"

#include <torch/torch.h>

#include <atomic>

#include "engine/kernels/keep_freed_memory.h"

namespace latentlab {

namespace {

std::atomic<int64_t> g_chunkElements{16 * 784};

// out = uncond + g (cond - uncond) for rows [0, n) of xt, in calls of at most `rows` rows.
torch::Tensor guidedChunk(Denoiser& denoiser, const torch::Tensor& xt, double t, const torch::Tensor& classes,
                          double guidance) {
  const int64_t n = xt.size(0);
  auto opts = torch::TensorOptions().dtype(xt.dtype()).device(xt.device());
  auto out = denoiser.forwardGuided(xt, torch::full({n}, t, opts), classes);
  auto cond = out.slice(0, 0, n), uncond = out.slice(0, n, 2 * n);
  return uncond + guidance * (cond - uncond);
}

}  // namespace

torch::Tensor Denoiser::forwardGuided(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& classes) {
  auto nullClass = torch::full_like(classes, numClasses());
  return forward(torch::cat({xt, xt}), torch::cat({t, t}), torch::cat({classes, nullClass}));
}

int64_t denoiserChunkElements() { return g_chunkElements.load(); }
void setDenoiserChunkElements(int64_t elements) { g_chunkElements = std::max<int64_t>(0, elements); }

int64_t denoiserChunkRows(const torch::Tensor& xt) {
  const int64_t n = xt.size(0), budget = denoiserChunkElements();
  if (budget == 0 || !xt.device().is_cpu() || n == 0) return std::max<int64_t>(n, 1);
  return std::clamp<int64_t>(budget / std::max<int64_t>(1, xt[0].numel()), 1, n);
}

torch::Tensor guidedModelOutput(Denoiser& denoiser, const torch::Tensor& xt, double t, const torch::Tensor& classes,
                                double guidance) {
  if (xt.device().is_cpu()) keepFreedMemoryInProcess();
  const int64_t n = xt.size(0);
  auto opts = torch::TensorOptions().dtype(xt.dtype()).device(xt.device());
  // Guidance changes nothing when every row is already the null class: save the 2x batch.
  const bool plain = !classes.defined() || denoiser.numClasses() == 0 || guidance == 1.0 ||
                     classes.eq(denoiser.numClasses()).all().item<bool>();
  const int64_t rows = denoiserChunkRows(xt), perCall = plain ? rows : std::max<int64_t>(1, rows / 2);
  if (perCall >= n) {
    if (plain) return denoiser.forward(xt, torch::full({n}, t, opts), classes);
    return guidedChunk(denoiser, xt, t, classes, guidance);
  }
  auto out = torch::empty_like(xt);
  for (int64_t b = 0; b < n; b += perCall) {
    const int64_t e = std::min(n, b + perCall);
    auto x = xt.slice(0, b, e);
    auto c = classes.defined() ? classes.slice(0, b, e) : torch::Tensor();
    out.slice(0, b, e).copy_(plain ? denoiser.forward(x, torch::full({e - b}, t, opts), c)
                                   : guidedChunk(denoiser, x, t, c, guidance));
  }
  return out;
}

}  // namespace latentlab
