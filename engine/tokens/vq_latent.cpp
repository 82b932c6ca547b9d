#include "engine/tokens/vq_latent.h"

#include <torch/torch.h>

#include "engine/util/errors.h"

namespace latentlab {

torch::Tensor VqLatentAutoencoder::cells(const torch::Tensor& z) const {
  const auto& c = m_b->vq->config();
  if (z.numel() % (int64_t(c.tokenCount()) * c.codeDim) != 0)
    throw BadInput("a VQ latent holds " + std::to_string(c.tokensHigh()) + " x " + std::to_string(c.tokensWide()) +
                   " x " + std::to_string(c.codeDim) + " values per image");
  return z.reshape({-1, int64_t(c.codeDim)});
}

std::pair<torch::Tensor, torch::Tensor> VqLatentAutoencoder::encode(const torch::Tensor& x) {
  torch::NoGradGuard ng;
  auto tokens = m_b->vq->encode(x.to(m_b->device));             // N x h x w
  auto vectors = m_b->vq->quantizer()->lookup(tokens);          // N x h x w x D
  return {vectors.contiguous(), torch::Tensor()};
}

torch::Tensor VqLatentAutoencoder::nearestTokens(const torch::Tensor& z) const {
  const auto& c = m_b->vq->config();
  auto flat = cells(z.to(m_b->device, torch::kFloat32));
  return m_b->vq->quantizer()->nearest(flat).view({-1, int64_t(c.tokensHigh()), int64_t(c.tokensWide())});
}

torch::Tensor VqLatentAutoencoder::snapped(const torch::Tensor& z) const {
  return m_b->vq->quantizer()->lookup(nearestTokens(z)).reshape(z.sizes());
}

torch::Tensor VqLatentAutoencoder::decode(const torch::Tensor& zIn) {
  torch::NoGradGuard ng;
  const auto& c = m_b->vq->config();
  auto z = zIn.to(m_b->device, torch::kFloat32);
  auto grid = cells(z).view({-1, int64_t(c.tokensHigh()), int64_t(c.tokensWide()), int64_t(c.codeDim)});
  if (snapToCodebook()) grid = m_b->vq->quantizer()->lookup(nearestTokens(grid));
  return m_b->vq->decodeCodes(grid.permute({0, 3, 1, 2}).contiguous());
}

int64_t VqLatentAutoencoder::parameterCount() const {
  int64_t n = 0;
  for (const auto& p : m_b->vq->parameters()) n += p.numel();
  return n;
}

void VqLatentAutoencoder::to(torch::Device device) {
  m_b->vq->to(device);
  m_b->device = device;
}

std::shared_ptr<ModelBundle> loadVqLatentBundle(const std::string& dir, torch::Device device) {
  auto vq = loadVqBundle(dir, device);
  auto b = std::make_shared<ModelBundle>();
  b->dir = dir;
  b->device = device;
  b->manifest = vq->manifest;
  const auto& c = vq->vq->config();
  b->manifest.latentShape = {c.tokensHigh(), c.tokensWide(), c.codeDim};
  b->autoencoder = std::make_shared<VqLatentAutoencoder>(vq);
  return b;
}

}  // namespace latentlab
