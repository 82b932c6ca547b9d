// The ONE table of built-in architectures ("conv-vae", "unet", "latent-mlp",
// "dcgan-generator", "conv-classifier", "vq-vae", "token-transformer"): name -> role (which manifest object names it),
// a one-line description, and a factory that builds the untrained network from a manifest
// (its config validated with messages naming the field, before any tensor is allocated).
// Every loader dispatches through here; adding an architecture = one row in
// builtin_registry.cpp. Never reads files or loads weights (the bundle loaders do).
#pragma once
#include <torch/nn.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/models/manifest.h"

namespace latentlab {

class BuiltinDenoiser;

// Tokenizer: a VQ-VAE (manifest field "autoencoder" of kind vq-autoregressive); Prior: the
// autoregressive token model (field "prior").
enum class ArchRole { Autoencoder, Denoiser, Generator, Classifier, Tokenizer, Prior };

// The manifest field that names a network of this role: "autoencoder", "denoiser", ...
const char* roleField(ArchRole role);
// That network spec of the manifest (nullptr when absent).
const NetworkSpec* roleSpec(const Manifest& m, ArchRole role);

struct BuiltinArch {
  std::string name;
  ArchRole role;
  std::string description;
  // Builds the untrained network of roleSpec(m, role)->config for this manifest's image /
  // latent / classes; throws BadInput prefixed with `where` (the model.json path).
  std::function<std::shared_ptr<torch::nn::Module>(const Manifest& m, const std::string& where)> make;
  // Role Denoiser only: the same network behind the Denoiser interface.
  std::function<std::shared_ptr<BuiltinDenoiser>(const Manifest& m, const std::string& where)> makeDenoiser;
  // A forward pass of the network's main use on `input` (decode z, denoise x at t = 0,
  // generate from z, classify x); for checks and tests.
  std::function<torch::Tensor(torch::nn::Module& net, const torch::Tensor& input)> forward;
};

const std::vector<BuiltinArch>& builtinArchitectures();

// The entry named `name` for `role`, or BadInput
// "<where>: <role>.builtin is "x", expected "a" or "b"" listing that role's names.
const BuiltinArch& requireBuiltin(ArchRole role, const std::string& name, const std::string& where);

// Typed access for the loaders: make() then cast to the concrete module.
template <typename Impl>
std::shared_ptr<Impl> makeBuiltinAs(ArchRole role, const Manifest& m, const std::string& where) {
  const NetworkSpec* spec = roleSpec(m, role);
  const BuiltinArch& arch = requireBuiltin(role, spec ? spec->builtin : std::string(), where);
  auto impl = std::dynamic_pointer_cast<Impl>(arch.make(m, where));
  if (!impl) throw std::logic_error("builtin \"" + arch.name + "\" built an unexpected module type");
  return impl;
}

}  // namespace latentlab
