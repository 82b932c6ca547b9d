// Loading and saving model bundles: a folder with model.json and weight files, or one
// TorchScript .pt file with its metadata inside (engine/models/model_file.h).
// Every failure is a BadInput naming the file and the problem; weights are checked for
// missing/unexpected names, shapes and NaN/Inf before the model is used.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>

#include "engine/models/autoencoder.h"
#include "engine/models/conv_vae.h"
#include "engine/models/denoiser.h"
#include "engine/models/manifest.h"
#include "engine/models/model_file.h"

namespace latentlab {

struct ModelBundle {
  std::string dir;
  Manifest manifest;
  std::shared_ptr<Autoencoder> autoencoder;  // set for autoencoder and latent-diffusion kinds
  std::shared_ptr<Denoiser> denoiser;        // set for diffusion and latent-diffusion kinds
  torch::Device device = torch::kCPU;
  std::vector<std::string> notes;  // what was assumed or found at load (e.g. a bare .pt's range)
};

// `dir` is a bundle folder or a single TorchScript file (which then needs metadata inside).
std::shared_ptr<ModelBundle> loadBundle(const std::string& dir, torch::Device device = torch::kCPU);
// The same, with what a bare TorchScript file needs from the user (--image).
std::shared_ptr<ModelBundle> loadBundle(const std::string& path, torch::Device device, const ModelOpenOptions& opts);

// A latent-diffusion model's autoencoder: m.autoencoderBundle (a folder or a .pt file)
// resolved relative to baseDir, loaded, and its latent shape checked against m's.
std::shared_ptr<ModelBundle> loadLatentAutoencoder(const std::string& baseDir, const Manifest& m,
                                                   const std::string& where, torch::Device device);

// Loads a module's parameters and buffers from a safetensors file, strictly.
void loadModuleWeights(torch::nn::Module& module, const std::string& path);
// Saves a module's parameters and buffers (atomic).
void saveModuleWeights(const torch::nn::Module& module, const std::string& path);

// Writes model.json (atomic) for a trained conv-vae plus its weights.
void saveConvVaeBundle(const std::string& dir, Manifest manifest, ConvVae& model);

// The built-in VAE behind the Autoencoder interface.
class ConvVaeAutoencoder : public Autoencoder {
 public:
  explicit ConvVaeAutoencoder(ConvVae model) : m_model(std::move(model)) { m_model->eval(); }
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) override { return m_model->encode(x); }
  torch::Tensor decode(const torch::Tensor& z) override { return m_model->decode(z); }
  int64_t parameterCount() const override;
  void to(torch::Device device) override { m_model->to(device); }
  ConvVae& module() { return m_model; }

 private:
  ConvVae m_model;
};

}  // namespace latentlab
