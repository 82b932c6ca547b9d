// ExploreModel's insides (torch): which network backs the latent face, and the lock that
// serialises calls into it. Only engine/explore/explorer*.cpp and engine-side steering code
// (engine/latent/) include it; never the app.
#pragma once
#include <torch/types.h>

#include <memory>
#include <mutex>
#include <vector>

#include "engine/explore/explorer.h"
#include "engine/models/bundle.h"
#include "engine/models/gan_bundle.h"

namespace latentlab {
class VqLatentAutoencoder;
}

namespace latentlab {

struct ExploreModel::Impl {
  std::shared_ptr<ModelBundle> bundle;  // autoencoder and latent-diffusion kinds
  std::shared_ptr<GanBundle> gan;       // kind gan
  // kind vq-autoregressive: bundle->autoencoder seen as what it is (snap switch, nearest codes)
  std::shared_ptr<VqLatentAutoencoder> vq;
  torch::Device device = torch::kCPU;
  float rangeLo = 0.f, rangeHi = 1.f;   // the decoder's output value range
  // One ExploreModel serves both GUI workers (cursor decodes on the interactive one, encodes
  // and grids on the background one). A built-in module's forward only reads its weights,
  // but a user's TorchScript module may keep state, and a second copy of the weights per
  // worker would double the memory of big models. So every call into the network holds this
  // lock, one batch at a time: a cursor decode waits for at most one batch of a grid or an
  // encode, never for the whole job. tests/app/test_engine_threads.cpp checks that decodes
  // and grids running together give the same images as alone.
  std::mutex mutex;

  // z: N x latent... (any device) with one class id per row (-1 = default) -> images in
  // [rangeLo, rangeHi], N x C x H x W on the model's device. Takes the lock.
  torch::Tensor decode(const torch::Tensor& z, const std::vector<int>& classIds, int numClasses);
};

// A VQ model's prior samples (engine/explore/explorer_vq.cpp): code vectors of token grids
// the transformer draws, n x latentDim row-major.
std::vector<float> vqPriorSample(ExploreModel::Impl& impl, const ModelInfo& info, int64_t n, uint64_t seed);

}  // namespace latentlab
