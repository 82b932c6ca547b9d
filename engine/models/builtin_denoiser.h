// Built-in denoisers ("unet", "latent-mlp") behind the Denoiser interface, built from a
// manifest's denoiser.config, and saving/loading them as bundles. A diffusion bundle's
// sample is the image (kind diffusion, values in image.range) or the latent (kind
// latent-diffusion, latent.shape, decoded by the autoencoder bundle it names).
// Loading never trusts the config: sizes are validated before any tensor is allocated.
#pragma once
#include <torch/nn.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/models/denoiser.h"
#include "engine/models/manifest.h"

namespace latentlab {

class BuiltinDenoiser : public Denoiser {
 public:
  virtual torch::nn::Module& module() = 0;
  virtual nlohmann::json configJson() const = 0;  // the full config, as written to model.json
  int64_t parameterCount() const override;
  void to(torch::Device device) override { module().to(device); }
};

// The shape of one sample the denoiser works on: {C, H, W} or latent.shape.
std::vector<int64_t> diffusionSampleShape(const Manifest& m);

// An untrained built-in denoiser of the manifest's architecture and config.
std::shared_ptr<BuiltinDenoiser> makeBuiltinDenoiser(const Manifest& m, const std::string& where);

// The denoiser of a bundle, weights loaded (strictly) and moved to `device`, in eval mode.
std::shared_ptr<Denoiser> loadDenoiser(const std::string& dir, const Manifest& m, torch::Device device);

// Writes the weights, then model.json (both atomic), for a trained built-in denoiser.
// manifest.denoiser's builtin and config are set from the model.
void saveDenoiserBundle(const std::string& dir, Manifest manifest, BuiltinDenoiser& model);

}  // namespace latentlab
