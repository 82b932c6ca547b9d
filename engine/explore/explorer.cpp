#include "engine/explore/explorer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab {

struct ExploreModel::Impl {
  std::shared_ptr<ModelBundle> bundle;
  torch::Device device = torch::kCPU;
  // One ExploreModel serves both GUI workers (cursor decodes on the interactive one, encodes
  // and grids on the background one). A built-in module's forward only reads its weights,
  // but a user's TorchScript module may keep state, and a second copy of the weights per
  // worker would double the memory of big models. So every call into the network holds this
  // lock, one batch at a time: a cursor decode waits for at most one batch of a grid or an
  // encode, never for the whole job. tests/app/test_engine_threads.cpp checks that decodes
  // and grids running together give the same images as alone.
  std::mutex mutex;
};

ExploreModel::~ExploreModel() = default;

std::shared_ptr<ExploreModel> ExploreModel::load(const std::string& dir, const std::string& deviceName) {
  torch::Device device = torch::kCPU;
  try {
    device = pickDevice(deviceName);
  } catch (const UsageError& e) {
    throw BadInput(e.what());
  }
  auto bundle = loadBundle(dir, device);
  if (!bundle->autoencoder)
    throw BadInput(dir + ": a \"" + bundle->manifest.kind +
                   "\" model has no encoder/decoder; the latent map needs an autoencoder bundle");
  std::shared_ptr<ExploreModel> m(new ExploreModel());
  m->m_impl = std::make_unique<Impl>();
  m->m_impl->bundle = bundle;
  m->m_impl->device = device;
  const Manifest& mf = bundle->manifest;
  ModelInfo& info = m->m_info;
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
  info.parameterCount = bundle->autoencoder->parameterCount();
  return m;
}

std::vector<Image> ExploreModel::decodeBatch(const std::vector<float>& latents, int n) {
  int d = m_info.latentDim;
  if (n <= 0) return {};
  if (latents.size() != size_t(n) * size_t(d))
    throw BadInput("decode: expected " + std::to_string(n * d) + " latent values, got " + std::to_string(latents.size()));
  std::vector<int64_t> shape{n};
  for (auto s : m_info.latentShape) shape.push_back(s);
  auto z = torch::from_blob(const_cast<float*>(latents.data()), shape, torch::kFloat32).clone().to(m_impl->device);
  checkFinite(z, "latent");
  auto& mf = m_impl->bundle->manifest;
  torch::Tensor x;
  {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    x = m_impl->bundle->autoencoder->decode(z);
  }
  if (!torch::isfinite(x).all().item<bool>()) {
    // A bad output shows a placeholder rather than crashing: NaN pixels become mid grey.
    x = torch::nan_to_num(x, 0.5 * (mf.image.rangeLo + mf.image.rangeHi), mf.image.rangeHi, mf.image.rangeLo);
  }
  return tensorToImages(x, mf.image.rangeLo, mf.image.rangeHi);
}

Image ExploreModel::decode(const std::vector<float>& latent) { return decodeBatch(latent, 1).at(0); }

std::vector<Image> ExploreModel::decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1,
                                            int k, const CancelToken& cancel) {
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
    auto imgs = decodeBatch(batch, k);
    for (auto& im : imgs) out.push_back(std::move(im));
  }
  return out;
}

LatentSet ExploreModel::encode(const Dataset& data, const std::function<void(double, const std::string&)>& progress,
                               const CancelToken& cancel) {
  auto& mf = m_impl->bundle->manifest;
  if (data.channels != mf.image.channels || data.height != mf.image.height || data.width != mf.image.width)
    throw BadInput(data.spec + ": images are " + std::to_string(data.channels) + "x" + std::to_string(data.height) + "x" +
                   std::to_string(data.width) + " but the model expects " + std::to_string(mf.image.channels) + "x" +
                   std::to_string(mf.image.height) + "x" + std::to_string(mf.image.width));
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
    torch::Tensor mu;
    {
      std::lock_guard<std::mutex> lock(m_impl->mutex);
      mu = m_impl->bundle->autoencoder->encode(x).first;
    }
    mu = mu.reshape({e - b, set.dim}).to(torch::kCPU, torch::kFloat32).contiguous();
    checkFinite(mu, "encoded latents of " + data.spec);
    std::memcpy(set.z.data() + size_t(b) * set.dim, mu.data_ptr<float>(), size_t(e - b) * set.dim * sizeof(float));
    for (int64_t i = b; i < e; ++i) set.labels[size_t(i)] = int(data.label(i));
    if (progress) progress(double(e) / double(data.count), "encoded " + std::to_string(e) + " / " + std::to_string(data.count));
  }
  return set;
}

Image ExploreModel::reconstruct(const Image& image) {
  auto& mf = m_impl->bundle->manifest;
  if (image.channels != mf.image.channels || image.height != mf.image.height || image.width != mf.image.width)
    throw BadInput("reconstruct: the image does not have the model's size");
  auto x = imagesToTensor({image}, mf.image.rangeLo, mf.image.rangeHi).to(m_impl->device);
  torch::Tensor mu;
  {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    mu = m_impl->bundle->autoencoder->encode(x).first;
  }
  auto flat = mu.reshape({-1}).to(torch::kCPU, torch::kFloat32).contiguous();
  std::vector<float> z(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
  return decode(z);
}

}  // namespace latentlab
