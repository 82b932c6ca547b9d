#include "engine/explore/explorer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <tuple>

#include "engine/data/image_tensor.h"
#include "engine/data/resize.h"
#include "engine/explore/explorer_impl.h"
#include "engine/models/model_kinds.h"
#include "engine/tokens/vq_latent.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab {

ExploreModel::~ExploreModel() = default;

torch::Tensor ExploreModel::Impl::decode(const torch::Tensor& z, const std::vector<int>& classIds, int numClasses) {
  torch::NoGradGuard noGrad;
  auto zd = z.to(device, torch::kFloat32);
  if (gan) {
    torch::Tensor classes;
    if (numClasses > 0) {
      std::vector<int64_t> c(classIds.size());
      for (size_t i = 0; i < c.size(); ++i) c[i] = classIds[i] < 0 ? 0 : classIds[i];  // -1: class 0
      classes = torch::tensor(c, torch::kLong);
    }
    std::lock_guard<std::mutex> lock(mutex);
    return gan->generate(zd, classes, 1.0);
  }
  std::lock_guard<std::mutex> lock(mutex);
  return bundle->autoencoder->decode(zd);
}

namespace {
// A vq-autoregressive bundle folder. A folder whose manifest does not parse is not one: the
// general loader below then names what is wrong with it, as before.
bool isVqFolder(const std::string& dir) {
  if (!fs::is_directory(dir)) return false;
  try {
    return modelFamily(readModelManifest(dir).kind) == ModelFamily::Tokens;
  } catch (const std::exception&) {
    return false;
  }
}
}  // namespace

std::shared_ptr<ExploreModel> ExploreModel::load(const std::string& dir, const std::string& deviceName) {
  torch::Device device = torch::kCPU;
  try {
    device = pickDevice(deviceName);
  } catch (const UsageError& e) {
    throw BadInput(e.what());
  }
  std::shared_ptr<ExploreModel> m(new ExploreModel());
  m->m_impl = std::make_unique<Impl>();
  Impl& impl = *m->m_impl;
  impl.device = device;
  ModelInfo& info = m->m_info;
  const Manifest* mfp = nullptr;
  if (isGanBundle(dir)) {
    impl.gan = loadGanBundle(dir, device);
    mfp = &impl.gan->manifest;
    info.hasEncoder = false;
    info.conditional = impl.gan->numClasses();
    info.truncation = impl.gan->truncation;
    info.parameterCount = impl.gan->parameterCount();
  } else if (isVqFolder(dir)) {
    // A VQ model's latent: the grid of code vectors its decoder reads (engine/tokens/vq_latent.h).
    impl.bundle = loadVqLatentBundle(dir, device);
    impl.vq = std::dynamic_pointer_cast<VqLatentAutoencoder>(impl.bundle->autoencoder);
    mfp = &impl.bundle->manifest;
    info.parameterCount = impl.bundle->autoencoder->parameterCount();
    // The model's weights are the VQ-VAE's and its prior's (all `info` counts), though only the
    // VQ-VAE is the latent face; the codebook's usage statistics are buffers.
    for (const auto& b : impl.vq->bundle().vq->buffers()) info.bufferValueCount += b.numel();
    if (const auto& prior = impl.vq->bundle().prior; !prior.is_empty()) {
      for (const auto& p : prior->parameters()) info.parameterCount += p.numel();
      for (const auto& b : prior->buffers()) info.bufferValueCount += b.numel();
    }
    info.codebookSize = impl.vq->bundle().vq->config().codebookSize;
    info.prior = "tokens";
    info.conditional = 0;  // the decoder takes no class (only the prior does)
  } else {
    impl.bundle = loadBundle(dir, device);
    if (!impl.bundle->autoencoder)
      throw BadInput(dir + ": a \"" + impl.bundle->manifest.kind +
                     "\" model has no latent to explore; the latent map needs an autoencoder, latent-diffusion or gan bundle");
    mfp = &impl.bundle->manifest;
    info.parameterCount = impl.bundle->autoencoder->parameterCount();
    info.bufferValueCount = impl.bundle->autoencoder->bufferValueCount();
  }
  const Manifest& mf = *mfp;
  // GanBundle::generate maps a generator's image.range to [0, 1] itself.
  impl.rangeLo = impl.gan ? 0.f : mf.image.rangeLo;
  impl.rangeHi = impl.gan ? 1.f : mf.image.rangeHi;
  info.dir = dir;
  info.name = mf.name;
  info.kind = mf.kind;
  info.description = mf.description;
  info.device = device.str();
  info.channels = mf.image.channels;
  info.height = mf.image.height;
  info.width = mf.image.width;
  info.latentShape = mf.latentShape;
  info.latentDim = int(mf.latentSize());
  info.classes = mf.classes;
  return m;
}

namespace {
// Decoded images in the model's value range, NaN/Inf replaced (a bad output shows a
// placeholder rather than crashing: NaN pixels become mid grey).
torch::Tensor decodeChecked(ExploreModel::Impl& impl, const ModelInfo& info, const std::vector<float>& latents, int n,
                            const std::vector<int>& classIds) {
  const int d = info.latentDim;
  if (latents.size() != size_t(n) * size_t(d))
    throw BadInput("decode: expected " + std::to_string(int64_t(n) * d) + " latent values, got " +
                   std::to_string(latents.size()));
  if (classIds.size() != size_t(n))
    throw BadInput("decode: expected " + std::to_string(n) + " class ids, got " + std::to_string(classIds.size()));
  for (int c : classIds)
    if (c < -1 || (info.conditional > 0 && c >= info.conditional))
      throw BadInput("decode: class " + std::to_string(c) + " is not one of this model's " +
                     std::to_string(info.conditional) + " classes (0.." + std::to_string(info.conditional - 1) +
                     ", or -1 for the default)");
  std::vector<int64_t> shape{n};
  for (auto s : info.latentShape) shape.push_back(s);
  auto z = torch::from_blob(const_cast<float*>(latents.data()), shape, torch::kFloat32).clone();
  checkFinite(z, "latent");
  auto x = impl.decode(z, classIds, info.conditional);
  const float lo = impl.rangeLo, hi = impl.rangeHi;
  if (!torch::isfinite(x).all().item<bool>()) x = torch::nan_to_num(x, 0.5 * (lo + hi), hi, lo);
  return x;
}
}  // namespace

std::vector<Image> ExploreModel::decodeBatch(const std::vector<float>& latents, int n, const std::vector<int>& classIds) {
  if (n <= 0) return {};
  return tensorToImages(decodeChecked(*m_impl, m_info, latents, n, classIds), m_impl->rangeLo, m_impl->rangeHi);
}

std::vector<float> ExploreModel::decodeValues(const std::vector<float>& latents, int n, const std::vector<int>& classIds) {
  if (n <= 0) return {};
  auto x = decodeChecked(*m_impl, m_info, latents, n, classIds);
  const float lo = m_impl->rangeLo, hi = m_impl->rangeHi;
  x = ((x - lo) / (hi - lo)).clamp(0, 1).to(torch::kCPU, torch::kFloat32).contiguous();
  return {x.data_ptr<float>(), x.data_ptr<float>() + x.numel()};
}

std::vector<Image> ExploreModel::decodeBatch(const std::vector<float>& latents, int n, int classId) {
  return decodeBatch(latents, n, std::vector<int>(size_t(std::max(n, 0)), classId));
}

Image ExploreModel::decode(const std::vector<float>& latent, int classId) {
  return decodeBatch(latent, 1, classId).at(0);
}

namespace {
constexpr int kGridPiece = 6;  // latents per network call of a manifold grid
}  // namespace

std::vector<Image> ExploreModel::decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1,
                                            int k, const CancelToken& cancel, int classId) {
  if (k < 1 || k > 64) throw BadInput("manifold grid size must be 1..64, got " + std::to_string(k));
  if (plane.dim() != m_info.latentDim || !plane.valid())
    throw BadInput("manifold grid: the map plane does not fit this model's latent");
  std::vector<Image> out;
  std::vector<float> batch;
  for (int row = 0; row < k; ++row) {
    cancel.throwIfCancelled();
    batch.clear();
    double v = k == 1 ? 0.5 * (v0 + v1) : v1 - (v1 - v0) * row / (k - 1);
    for (int col = 0; col < k; ++col) {
      double u = k == 1 ? 0.5 * (u0 + u1) : u0 + (u1 - u0) * col / (k - 1);
      auto z = plane.toLatent(u, v);
      batch.insert(batch.end(), z.begin(), z.end());
    }
    // A row in pieces of at most kGridPiece: the network lock is held one piece at a time, so
    // a cursor or slider decode on the interactive worker waits for a piece, not a whole row.
    for (int c0 = 0; c0 < k; c0 += kGridPiece) {
      if (c0 > 0) cancel.throwIfCancelled();
      int n = std::min(kGridPiece, k - c0);
      size_t dim = size_t(m_info.latentDim);
      std::vector<float> piece(batch.begin() + long(size_t(c0) * dim), batch.begin() + long(size_t(c0 + n) * dim));
      for (auto& im : decodeBatch(piece, n, classId)) out.push_back(std::move(im));
    }
  }
  return out;
}

namespace {
void requireEncoder(const ModelInfo& info, const char* what) {
  if (!info.hasEncoder)
    throw BadInput(info.dir + ": a \"" + info.kind + "\" model has no encoder, so it cannot " + what +
                   " (its map is made of prior samples)");
}
}  // namespace

LatentSet ExploreModel::encode(const Dataset& data, const std::function<void(double, const std::string&)>& progress,
                               const CancelToken& cancel) {
  requireEncoder(m_info, "encode a data set");
  auto& mf = m_impl->bundle->manifest;
  if (data.channels != mf.image.channels || data.height != mf.image.height || data.width != mf.image.width)
    throw BadInput(dataShapeMismatch(data, {mf.image.channels, mf.image.height, mf.image.width}, m_info.dir));
  LatentSet set;
  set.modelDir = m_info.dir;
  set.dataSpec = data.spec;
  set.count = data.count;
  set.dim = m_info.latentDim;
  set.z.resize(size_t(data.count) * size_t(set.dim));
  set.labels.resize(size_t(data.count), -1);
  set.classNames = data.classNames.empty() ? mf.classes : data.classNames;
  const int64_t batch = 500;
  for (int64_t b = 0; b < data.count; b += batch) {
    cancel.throwIfCancelled();
    int64_t e = std::min(data.count, b + batch);
    auto x = datasetToTensor(data, b, e, mf.image.rangeLo, mf.image.rangeHi).to(m_impl->device);
    torch::Tensor mu, logvar;
    {
      torch::NoGradGuard noGrad;
      std::lock_guard<std::mutex> lock(m_impl->mutex);
      std::tie(mu, logvar) = m_impl->bundle->autoencoder->encode(x);
    }
    mu = mu.reshape({e - b, set.dim}).to(torch::kCPU, torch::kFloat32).contiguous();
    checkFinite(mu, "encoded latents of " + data.spec);
    if (logvar.defined() && logvar.numel() == mu.numel()) {
      // KL(N(mu, s^2) || N(0, 1)) = (mu^2 + s^2 - 1 - log s^2) / 2, summed here, averaged below.
      auto lv = logvar.reshape({e - b, set.dim}).to(torch::kCPU, torch::kFloat64);
      auto kl = (0.5 * (mu.to(torch::kFloat64).pow(2) + lv.exp() - 1.0 - lv)).sum(0).contiguous();
      if (b == 0) set.klPerDim.assign(size_t(set.dim), 0.0);
      if (set.klPerDim.size() == size_t(set.dim))
        for (int k = 0; k < set.dim; ++k) set.klPerDim[size_t(k)] += kl.data_ptr<double>()[k];
    } else {
      set.klPerDim.clear();  // one batch without a variance: no figure at all, not a partial one
    }
    std::memcpy(set.z.data() + size_t(b) * set.dim, mu.data_ptr<float>(), size_t(e - b) * set.dim * sizeof(float));
    for (int64_t i = b; i < e; ++i) set.labels[size_t(i)] = int(data.label(i));
    if (progress) progress(double(e) / double(data.count), "encoded " + std::to_string(e) + " / " + std::to_string(data.count));
  }
  for (double& k : set.klPerDim) k /= double(std::max<int64_t>(1, data.count));
  return set;
}

Image ExploreModel::reconstruct(const Image& image) {
  requireEncoder(m_info, "reconstruct an image");
  auto& mf = m_impl->bundle->manifest;
  if (image.channels != mf.image.channels || image.height != mf.image.height || image.width != mf.image.width)
    throw BadInput("reconstruct: the image does not have the model's size");
  auto x = imagesToTensor({image}, mf.image.rangeLo, mf.image.rangeHi).to(m_impl->device);
  torch::Tensor mu;
  {
    torch::NoGradGuard noGrad;
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    mu = m_impl->bundle->autoencoder->encode(x).first;
  }
  auto flat = mu.reshape({-1}).to(torch::kCPU, torch::kFloat32).contiguous();
  std::vector<float> z(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
  return decode(z);
}

}  // namespace latentlab
