// The latent face of a VQ model (issue 10: "works on every model kind that has a latent").
// A VQ-VAE's tokens are indices, but what its decoder reads is the grid of their code vectors,
// and that grid is continuous: rows x cols cells of code_dim values (fashion-vq: 7 x 7 x 32 =
// 1568). This adapter puts that grid behind the Autoencoder interface, so the map,
// interpolation, directions, inspector and `render interp|traverse|decode` treat it like any
// other latent:
//   - the latent is laid out cell by cell, (row, col, code dimension): each cell's code vector
//     is contiguous (flattened for the map and directions, reshaped N x D x rows x cols to decode);
//   - encode gives the quantised code vectors of an image (what the decoder sees for it);
//   - decode either snaps each cell to its nearest codebook entry first (a token grid the
//     model can produce; the default, because the decoder was only ever trained on codebook
//     vectors) or decodes the continuous vectors as they are (what the decoder does with
//     latents between codes). The switch is shared by every decode of the model.
// Never touches files, GL or ImGui.
#pragma once
#include <torch/types.h>

#include <atomic>
#include <memory>

#include "engine/models/autoencoder.h"
#include "engine/models/bundle.h"
#include "engine/models/vq_bundle.h"

namespace latentlab {

class VqLatentAutoencoder : public Autoencoder {
 public:
  explicit VqLatentAutoencoder(std::shared_ptr<VqBundle> bundle) : m_b(std::move(bundle)) {}
  // x: N x C x H x W in [0, 1] -> (N x rows x cols x D quantised code vectors, undefined):
  // a VQ encoder gives no variance.
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) override;
  // z: N x rows x cols x D (or N x rows*cols*D) -> N x C x H x W in [0, 1]; snapped first when
  // snapToCodebook().
  torch::Tensor decode(const torch::Tensor& z) override;
  int64_t parameterCount() const override;
  void to(torch::Device device) override;

  // z as above -> N x rows x cols int64: the nearest code of each cell (squared Euclidean).
  torch::Tensor nearestTokens(const torch::Tensor& z) const;
  // z with every cell replaced by its nearest code vector (same shape as z).
  torch::Tensor snapped(const torch::Tensor& z) const;

  bool snapToCodebook() const { return m_snap.load(); }
  void setSnapToCodebook(bool on) { m_snap.store(on); }
  const VqBundle& bundle() const { return *m_b; }
  VqBundle& bundle() { return *m_b; }

 private:
  torch::Tensor cells(const torch::Tensor& z) const;  // -> M x D rows, one per cell
  std::shared_ptr<VqBundle> m_b;
  std::atomic<bool> m_snap{true};
};

// A vq-autoregressive bundle seen through its code-vector latent: a ModelBundle whose
// autoencoder is a VqLatentAutoencoder and whose manifest's latent shape is
// [rows, cols, code_dim] (the token grid's [rows, cols] becomes the grid of vectors).
std::shared_ptr<ModelBundle> loadVqLatentBundle(const std::string& dir, torch::Device device);

}  // namespace latentlab
