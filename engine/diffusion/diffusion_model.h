// A loaded diffusion bundle ready to sample: its noise schedule, denoiser, the shape of a
// sample and how a sample becomes an image (pixel models: map image.range to [0, 1];
// latent models: divide by latent_scale, decode with the VAE). Shared by the CLI and the
// GUI's jobs so both show the same pictures. Never touches the GUI.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/diffusion/sampler.h"
#include "engine/diffusion/schedule.h"
#include "engine/models/bundle.h"

namespace latentlab {

class DiffusionModel {
 public:
  // Throws BadInput when the bundle is not a diffusion or latent-diffusion model.
  explicit DiffusionModel(std::shared_ptr<ModelBundle> bundle);

  const NoiseSchedule& schedule() const { return m_schedule; }
  Denoiser& denoiser() { return *m_bundle->denoiser; }
  const Manifest& manifest() const { return m_bundle->manifest; }
  torch::Device device() const { return m_bundle->device; }
  bool isLatent() const { return m_bundle->manifest.kind == "latent-diffusion"; }
  int numClasses() const { return m_bundle->denoiser->numClasses(); }
  const std::vector<int64_t>& sampleShape() const { return m_sampleShape; }
  // The bundle's recommended sampling (model.json "sampling"), or the general defaults.
  SamplingDefaults sampling() const { return m_bundle->manifest.sampling.value_or(SamplingDefaults{}); }
  // Options for makeSampler: eta as asked; use_clipped_model_output as asked (0 off, 1 on)
  // or, with -1, as the bundle recommends.
  SamplerOptions samplerOptions(double eta, int clippedModelOutput = -1) const {
    return SamplerOptions{eta, clippedModelOutput < 0 ? sampling().useClippedModelOutput : clippedModelOutput > 0};
  }

  // x (N x sample shape, VP units as sampled) -> N x C x H x W in [0, 1].
  torch::Tensor toImages(const torch::Tensor& x);
  // Latent models: x in the VAE's latent units (for the latent map); pixel models: x.
  torch::Tensor toLatent(const torch::Tensor& x) const;
  // The inverse of toImages: N x C x H x W in [0, 1] -> N x sample shape (latent models:
  // the VAE's posterior mean times latent_scale). Used for forward noising of data images.
  torch::Tensor fromImages(const torch::Tensor& images);

 private:
  std::shared_ptr<ModelBundle> m_bundle;
  NoiseSchedule m_schedule;
  std::vector<int64_t> m_sampleShape;
  double m_latentScale = 1.0;
};

}  // namespace latentlab
