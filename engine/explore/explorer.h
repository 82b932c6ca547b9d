// The engine facade the GUI drives through jobs: a loaded model's description, encoding a
// data set to latents, decoding latents and grids, reconstructing data items. Torch-free
// header (LibTorch stays inside explorer.cpp). Never touches GL or ImGui; every call may
// block for a while, so the app calls it only from a JobRunner worker. One instance may be
// used by several workers at once: calls into the network are serialised one batch at a
// time inside (explorer.cpp says why a lock and not a copy per worker).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image.h"
#include "engine/explore/latent_plane.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct ModelInfo {
  std::string dir, name, kind, device, description;
  int channels = 0, height = 0, width = 0;
  int latentDim = 0;
  std::vector<int64_t> latentShape;
  std::vector<std::string> classes;
  int64_t parameterCount = 0;
};

// N encoded points (the posterior means), row-major N x dim, with their labels.
struct LatentSet {
  std::string modelDir, dataSpec;
  int64_t count = 0;
  int dim = 0;
  std::vector<float> z;
  std::vector<int> labels;  // -1 when the data has none
  std::vector<std::string> classNames;
  const float* row(int64_t i) const { return z.data() + size_t(i) * size_t(dim); }
  std::vector<float> latent(int64_t i) const { return {row(i), row(i) + dim}; }
};

class ExploreModel {
 public:
  // Throws BadInput (missing folder, bad manifest, bad weights, not an autoencoder).
  static std::shared_ptr<ExploreModel> load(const std::string& dir, const std::string& device = "auto");
  ~ExploreModel();

  const ModelInfo& info() const { return m_info; }
  // One latent (info().latentDim floats) -> one image in the model's channels.
  Image decode(const std::vector<float>& latent);
  // n latents, row-major -> n images.
  std::vector<Image> decodeBatch(const std::vector<float>& latents, int n);
  // A k x k grid over [u0,u1] x [v0,v1] of the plane, row 0 at v1 (top of the map).
  std::vector<Image> decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1, int k,
                                const CancelToken& cancel = {});
  // Encodes every image of the data set (posterior means), in batches, reporting progress.
  LatentSet encode(const Dataset& data, const std::function<void(double, const std::string&)>& progress = {},
                   const CancelToken& cancel = {});
  Image reconstruct(const Image& image);

 private:
  struct Impl;
  ExploreModel() = default;
  std::unique_ptr<Impl> m_impl;
  ModelInfo m_info;
};

}  // namespace latentlab
