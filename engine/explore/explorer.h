// The latent-model face: every model with a latent (autoencoder, latent diffusion's VAE, GAN
// generator, a VQ model's grid of code vectors) is explored through this one facade, so the map, drag, sliders, paths and
// exports are written once. It describes the model, samples its prior, encodes a data set
// (or, for a model without encoder, makes a labelled set of prior samples), decodes latents
// (optionally for a class) and grids. Torch-free header (LibTorch stays inside the .cpp
// files). Never touches GL or ImGui; every call may block for a while, so the app calls it
// only from a JobRunner worker. One instance may be used by several workers at once: calls
// into the network are serialised one batch at a time inside (explorer.cpp says why).
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
  int64_t bufferValueCount = 0;  // values in buffers (a TorchScript model may keep its weights there)
  // The latent face. A GAN has no encoder: its map is a set of prior samples (encodePrior).
  bool hasEncoder = true;
  int conditional = 0;          // classes the decoder/generator is conditioned on (0 = none)
  std::string prior = "normal"; // the latent prior: N(0, I)
  double truncation = 1.0;      // recommended psi for prior samples (1 = untruncated)
  // > 0: a VQ model (kind vq-autoregressive). Its latent is the grid of code vectors its
  // decoder reads, latentShape = [rows, cols, code_dim], laid out cell by cell
  // (engine/tokens/vq_latent.h); prior = "tokens" (a transformer over token grids: it has no
  // mean latent, and its samples are drawn token by token).
  int codebookSize = 0;
};

// N latents (posterior means of a data set, or prior samples), row-major N x dim, with labels.
struct LatentSet {
  std::string modelDir, dataSpec;  // dataSpec "prior:SEED" for a set made by encodePrior
  int64_t count = 0;
  int dim = 0;
  std::vector<float> z;
  std::vector<int> labels;  // -1 when the data has none
  std::vector<std::string> classNames;
  // Mean KL(q(z_k | x) || N(0, 1)) per latent dimension over the set, in nats (the "rate"
  // a VAE spends on each dimension; near 0 = collapsed). Empty when the encoder gives no
  // variance (a GAN's prior set, a model without logvar).
  std::vector<double> klPerDim;
  const float* row(int64_t i) const { return z.data() + size_t(i) * size_t(dim); }
  std::vector<float> latent(int64_t i) const { return {row(i), row(i) + dim}; }
};

// A weight matrix, row-major rows x cols (SeFa reads the first linear layer through it).
struct WeightMatrix {
  int rows = 0, cols = 0;
  std::vector<float> values;
};

inline constexpr int64_t kPriorSetSize = 10000;  // points of a GAN's map

class ExploreModel {
 public:
  // Opens kinds "autoencoder", "latent-diffusion" (its VAE), "gan" (the generator) and
  // "vq-autoregressive" (the VQ-VAE's code vectors, engine/tokens/vq_latent.h).
  // Throws BadInput (missing folder, bad manifest, bad weights, a kind without a latent face).
  static std::shared_ptr<ExploreModel> load(const std::string& dir, const std::string& device = "auto");
  ~ExploreModel();

  const ModelInfo& info() const { return m_info; }

  // Class ids: -1 = the model's default. For an unconditioned decoder every class id is
  // ignored; for a conditional GAN -1 means class 0 (pass the row's label, e.g. a LatentSet's
  // labels, to decode a point as the class it was sampled for). A class id outside
  // 0..conditional-1 is a BadInput.
  // One latent (info().latentDim floats) -> one image in the model's channels.
  Image decode(const std::vector<float>& latent, int classId = -1);
  // n latents, row-major -> n images, all with the same class id.
  std::vector<Image> decodeBatch(const std::vector<float>& latents, int n, int classId = -1);
  // n latents with one class id per row (classIds.size() == n).
  std::vector<Image> decodeBatch(const std::vector<float>& latents, int n, const std::vector<int>& classIds);
  // The same decodes as float values in [0, 1], n x C x H x W row-major (exports to .npy).
  std::vector<float> decodeValues(const std::vector<float>& latents, int n, const std::vector<int>& classIds);
  // A k x k grid over [u0,u1] x [v0,v1] of the plane, row 0 at v1 (top of the map).
  std::vector<Image> decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1, int k,
                                const CancelToken& cancel = {}, int classId = -1);

  // n latents from the prior N(0, I) scaled by psi (truncation toward the mean; psi < 0 =
  // the model's recommended info().truncation), row-major n x latentDim. The same seed gives
  // the same latents (a GAN's seed gives the same z as `render sample` and `eval`).
  // A VQ model: the code vectors of n token grids its transformer prior draws with the
  // bundle's recommended sampling settings (row i for class (seed + i) mod classes; psi is
  // not used); BadInput for a tokeniser without a prior.
  std::vector<float> priorSample(int64_t n, uint64_t seed, double psi = 1.0) const;

  // Encodes every image of the data set (posterior means), in batches, reporting progress.
  // Throws BadInput for a model without encoder (info().hasEncoder false).
  LatentSet encode(const Dataset& data, const std::function<void(double, const std::string&)>& progress = {},
                   const CancelToken& cancel = {});
  // The data-less map of any model: n prior samples (seeded, psi < 0 = recommended
  // truncation) labelled by conditioning class, classes in order, n / classes each (row i
  // has class i * classes / n); labels -1 for an unconditioned model. dataSpec "prior:SEED".
  LatentSet encodePrior(int64_t n = kPriorSetSize, uint64_t seed = 0, double psi = -1.0,
                        const std::function<void(double, const std::string&)>& progress = {},
                        const CancelToken& cancel = {});
  // Each latent of the set decoded with its label as class: the "data set" a GAN's map shows
  // on hover and click (spec = set.dataSpec, labels and class names from the set).
  Dataset decodeSet(const LatentSet& set, const std::function<void(double, const std::string&)>& progress = {},
                    const CancelToken& cancel = {});
  // Throws BadInput for a model without encoder.
  Image reconstruct(const Image& image);

  // VQ models (info().codebookSize > 0) only; BadInput for others.
  // Whether decodes snap each cell of the latent to its nearest code first (default true);
  // shared by every decode of this model (map, grid, sliders, paths, exports).
  bool snapToCodebook() const;
  void setSnapToCodebook(bool on);
  // n latents -> n x rows x cols token indices: each cell's nearest code (what snapping picks).
  std::vector<int> tokensOf(const std::vector<float>& latents, int n = 1) const;
  // n latents with every cell replaced by its nearest code vector.
  std::vector<float> snapped(const std::vector<float>& latents, int n = 1) const;

  // The first linear layer the latent enters (decoder's / generator's), restricted to the
  // latent's columns: rows = its outputs, cols = latentDim. BadInput when there is none.
  WeightMatrix firstLinearWeight() const;

  struct Impl;  // engine/explore/explorer_impl.h (torch)
  Impl& impl() { return *m_impl; }

 private:
  ExploreModel() = default;
  std::unique_ptr<Impl> m_impl;
  ModelInfo m_info;
};

}  // namespace latentlab
