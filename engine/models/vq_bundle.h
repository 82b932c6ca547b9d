// vq-autoregressive bundles: model.json + the VQ-VAE's safetensors (+ the prior's, once
// trained).
//   "kind": "vq-autoregressive", "latent": {"shape": [7, 7]},
//   "autoencoder": {"builtin": "vq-vae", "config": {...}, "weights": "vqvae.safetensors"},
//   "prior": {"builtin": "token-transformer", "config": {...}, "weights": "prior.safetensors"},
//   "token_sampling": {"temperature": 0.8, "top_k": 0, "top_p": 0.95}
// A bundle without "prior" is a tokeniser only (what `train vqvae` writes): it encodes and
// decodes but cannot sample. Every failure is a BadInput naming the file and the field.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>

#include "engine/models/manifest.h"
#include "engine/models/token_prior.h"
#include "engine/models/vq_vae.h"
#include "engine/tokens/token_sampling.h"

namespace latentlab {

struct VqBundle {
  std::string dir;
  Manifest manifest;
  VqVae vq{nullptr};          // eval mode on `device`
  TokenPrior prior{nullptr};  // eval mode; null for a tokeniser-only bundle
  TokenSampling recommended;  // model.json "token_sampling" (defaults when absent)
  torch::Device device = torch::kCPU;

  bool canSample() const { return !prior.is_empty(); }
  int numClasses() const { return prior.is_empty() ? 0 : prior->config().numClasses; }
  // Images (N x C x H x W in [0, 1]) of N x rows x cols (or N x rows*cols) tokens. No grad.
  torch::Tensor decodeTokens(const torch::Tensor& tokens);
};

std::shared_ptr<VqBundle> loadVqBundle(const std::string& dir, torch::Device device = torch::kCPU);

// Writes vqvae.safetensors and model.json (atomic); kind, latent and autoencoder are filled
// in from the model, everything else (name, classes, prior, token_sampling, training) is
// kept from `manifest`.
void saveVqBundle(const std::string& dir, Manifest manifest, VqVae& model);

}  // namespace latentlab
