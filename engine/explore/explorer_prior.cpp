// ExploreModel's prior side: seeded prior samples, the data-less map of a model without an
// encoder (prior samples labelled by class, decoded into a "data set" for hover and click),
// and the first linear layer for SeFa. Never touches GL or ImGui.
#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "engine/data/image_tensor.h"
#include "engine/explore/explorer.h"
#include "engine/explore/explorer_impl.h"
#include "engine/util/errors.h"

namespace latentlab {

std::vector<float> ExploreModel::priorSample(int64_t n, uint64_t seed, double psi) const {
  if (n < 0) throw BadInput("prior samples: count must be >= 0, got " + std::to_string(n));
  if (psi < 0) psi = m_info.truncation;
  if (!(psi <= 10.0)) throw BadInput("prior samples: psi must be in 0..10, got " + std::to_string(psi));
  if (m_impl->vq) return vqPriorSample(*m_impl, m_info, n, seed);  // drawn token by token, not scaled
  torch::Tensor z;
  if (m_impl->gan) {
    z = m_impl->gan->sampleLatents(n, seed);  // the same z for a seed as render sample and eval
  } else {
    auto gen = at::detail::createCPUGenerator(seed);
    z = torch::randn({n, int64_t(m_info.latentDim)}, gen, torch::TensorOptions(torch::kFloat));
  }
  z = (z * psi).contiguous();
  return {z.data_ptr<float>(), z.data_ptr<float>() + z.numel()};
}

LatentSet ExploreModel::encodePrior(int64_t n, uint64_t seed, double psi,
                                    const std::function<void(double, const std::string&)>& progress,
                                    const CancelToken& cancel) {
  if (n < 1 || n > 1000000) throw BadInput("prior set: count must be 1..1000000, got " + std::to_string(n));
  cancel.throwIfCancelled();
  LatentSet set;
  set.modelDir = m_info.dir;
  set.dataSpec = "prior:" + std::to_string(seed);
  set.count = n;
  set.dim = m_info.latentDim;
  set.z = priorSample(n, seed, psi);
  set.labels.assign(size_t(n), -1);
  const int classes = m_info.conditional;
  if (classes > 0)
    for (int64_t i = 0; i < n; ++i) set.labels[size_t(i)] = int(i * classes / n);
  set.classNames = m_info.classes;
  if (progress) progress(1.0, "sampled " + std::to_string(n) + " latents from the prior");
  return set;
}

Dataset ExploreModel::decodeSet(const LatentSet& set, const std::function<void(double, const std::string&)>& progress,
                                const CancelToken& cancel) {
  if (set.dim != m_info.latentDim || set.z.size() != size_t(set.count) * size_t(set.dim))
    throw BadInput("decode set: the latents do not fit this model's " + std::to_string(m_info.latentDim) + "-d latent");
  Dataset d;
  d.spec = set.dataSpec;
  d.count = set.count;
  d.channels = m_info.channels;
  d.height = m_info.height;
  d.width = m_info.width;
  d.classNames = set.classNames;
  const size_t imageBytes = size_t(d.channels) * d.height * d.width;
  d.pixels.resize(size_t(d.count) * imageBytes);
  bool anyLabel = false;
  for (int l : set.labels) anyLabel = anyLabel || l >= 0;
  if (anyLabel) d.labels.assign(set.labels.begin(), set.labels.end());
  const int64_t batch = 500;
  for (int64_t b = 0; b < set.count; b += batch) {
    cancel.throwIfCancelled();
    int64_t e = std::min(set.count, b + batch);
    std::vector<float> z(set.row(b), set.row(b) + size_t(e - b) * set.dim);
    std::vector<int> classes(size_t(e - b), -1);
    if (m_info.conditional > 0 && set.labels.size() == size_t(set.count))
      for (int64_t i = b; i < e; ++i) {
        int l = set.labels[size_t(i)];
        classes[size_t(i - b)] = l < m_info.conditional ? l : -1;
      }
    auto images = decodeBatch(z, int(e - b), classes);
    for (int64_t i = b; i < e; ++i) {
      const Image& im = images[size_t(i - b)];
      std::memcpy(d.pixels.data() + size_t(i) * imageBytes, im.pixels.data(), imageBytes);
    }
    if (progress) progress(double(e) / double(set.count), "decoded " + std::to_string(e) + " / " + std::to_string(set.count));
  }
  return d;
}

WeightMatrix ExploreModel::firstLinearWeight() const {
  torch::Tensor w;
  const int d = m_info.latentDim;
  if (m_impl->gan) {
    // fc takes cat(z, class embedding): the latent is its first latentDim input columns.
    // A TorchScript generator (no built-in) has no known first layer: the message below.
    if (m_impl->gan->generator)
      for (const auto& p : m_impl->gan->generator->named_parameters())
        if (p.key() == "fc.weight") w = p.value().detach().slice(1, 0, d);
  } else if (auto* vae = dynamic_cast<ConvVaeAutoencoder*>(m_impl->bundle->autoencoder.get())) {
    for (const auto& p : vae->module()->named_parameters())
      if (p.key() == "dec_fc1.weight") w = p.value().detach();
  }
  if (m_impl->vq)
    throw BadInput(m_info.dir +
                   ": not available for a VQ model: its decoder starts with a 3x3 convolution over the grid of code "
                   "vectors, not a linear layer on the whole latent, so SeFa (eigenvectors of that layer's W^T W) has no "
                   "matrix to use");
  if (!w.defined() || w.dim() != 2 || w.size(1) != d)
    throw BadInput(m_info.dir + ": no first linear layer on the latent found in this model (SeFa needs one)");
  w = w.to(torch::kCPU, torch::kFloat32).contiguous();
  WeightMatrix m;
  m.rows = int(w.size(0));
  m.cols = int(w.size(1));
  m.values.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
  return m;
}

}  // namespace latentlab
