// The bundle loader's TorchScript branch: a manifest network {"torchscript": "file.pt"}
// (folder form) or a whole model given as one .pt file (single-file form, metadata inside
// or --image). Each network is loaded safely (TorchScriptModule::load) and probed once
// against the manifest before the bundle is handed out, so a bad model fails at open time
// with one line, never later inside a sampler or a panel.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/models/bundle.h"
#include "engine/models/model_file.h"

namespace latentlab {

class TorchScriptModule;
class TorchScriptGenerator;

// `manifest.latentShape` is filled in from the probe when `findLatent`.
std::shared_ptr<Autoencoder> loadTorchScriptAutoencoder(const std::string& path, Manifest& manifest,
                                                        torch::Device device, const std::string& where,
                                                        bool findLatent = false,
                                                        std::shared_ptr<TorchScriptModule> loaded = nullptr);
std::shared_ptr<Denoiser> loadTorchScriptDenoiser(const std::string& path, const Manifest& manifest,
                                                  torch::Device device, const std::string& where,
                                                  std::shared_ptr<TorchScriptModule> loaded = nullptr);

// kind "gan": forward(z[, class]) probed against image, latent.shape and conditioning.
std::shared_ptr<TorchScriptGenerator> loadTorchScriptGenerator(const std::string& path, const Manifest& manifest,
                                                               torch::Device device, const std::string& where,
                                                               std::shared_ptr<TorchScriptModule> loaded = nullptr);

// A model given as one TorchScript file (bundle->dir is the file's path).
std::shared_ptr<ModelBundle> loadModelFile(const std::string& path, torch::Device device,
                                           const ModelOpenOptions& opts = {});

}  // namespace latentlab
