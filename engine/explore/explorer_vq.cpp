// ExploreModel's VQ side: the snap-to-codebook switch, the tokens a latent snaps to, and the
// message for what a grid of code vectors does not have. The latent itself (encode, decode)
// is engine/tokens/vq_latent.h behind the Autoencoder interface. Never touches GL or ImGui.
#include <torch/torch.h>

#include "engine/explore/explorer.h"
#include "engine/explore/explorer_impl.h"
#include "engine/tokens/token_sampling.h"
#include "engine/tokens/vq_latent.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
VqLatentAutoencoder& requireVq(const ExploreModel::Impl& impl, const ModelInfo& info, const char* what) {
  if (!impl.vq)
    throw BadInput(info.dir + ": " + what + " needs a VQ model (a grid of codebook vectors); this is a \"" + info.kind +
                   "\" model");
  return *impl.vq;
}

torch::Tensor latentTensor(const std::vector<float>& latents, int n, const ModelInfo& info) {
  if (n < 0 || latents.size() != size_t(n) * size_t(info.latentDim))
    throw BadInput("expected " + std::to_string(int64_t(n) * info.latentDim) + " latent values, got " +
                   std::to_string(latents.size()));
  return torch::from_blob(const_cast<float*>(latents.data()), {int64_t(n), int64_t(info.latentDim)}, torch::kFloat32)
      .clone();
}
}  // namespace

bool ExploreModel::snapToCodebook() const { return m_impl->vq && m_impl->vq->snapToCodebook(); }

void ExploreModel::setSnapToCodebook(bool on) { requireVq(*m_impl, m_info, "snapping to the codebook").setSnapToCodebook(on); }

std::vector<int> ExploreModel::tokensOf(const std::vector<float>& latents, int n) const {
  auto& vq = requireVq(*m_impl, m_info, "tokens of a latent");
  torch::Tensor t;
  {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    torch::NoGradGuard ng;
    t = vq.nearestTokens(latentTensor(latents, n, m_info)).to(torch::kCPU).contiguous();
  }
  return {t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel()};
}

std::vector<float> ExploreModel::snapped(const std::vector<float>& latents, int n) const {
  auto& vq = requireVq(*m_impl, m_info, "snapping to the codebook");
  torch::Tensor t;
  {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    torch::NoGradGuard ng;
    t = vq.snapped(latentTensor(latents, n, m_info)).to(torch::kCPU, torch::kFloat32).contiguous();
  }
  return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
}

// The transformer's own samples: n token grids, class (seed + i) mod classes, with the
// bundle's recommended settings, as code vectors. Called by priorSample for a VQ model.
std::vector<float> vqPriorSample(ExploreModel::Impl& impl, const ModelInfo& info, int64_t n, uint64_t seed) {
  VqBundle& b = impl.vq->bundle();
  if (!b.canSample())
    throw BadInput(info.dir + ": this VQ bundle has no prior (a tokeniser only), so it has no samples to draw");
  std::vector<int64_t> cls(size_t(n), 0);
  const int classes = b.numClasses();
  for (int64_t i = 0; i < n; ++i) cls[size_t(i)] = classes > 0 ? int64_t((seed + uint64_t(i)) % uint64_t(classes)) : 0;
  torch::Tensor z;
  {
    std::lock_guard<std::mutex> lock(impl.mutex);
    torch::NoGradGuard ng;
    auto tokens = sampleTokens(*b.prior, torch::tensor(cls, torch::kLong).to(b.device), n, torch::Tensor(),
                               b.recommended, seed);
    const auto& c = b.vq->config();
    z = b.vq->quantizer()->lookup(tokens.view({n, int64_t(c.tokensHigh()), int64_t(c.tokensWide())}));
  }
  z = z.reshape({n, int64_t(info.latentDim)}).to(torch::kCPU, torch::kFloat32).contiguous();
  return {z.data_ptr<float>(), z.data_ptr<float>() + z.numel()};
}

}  // namespace latentlab
