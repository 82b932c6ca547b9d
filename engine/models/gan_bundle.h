// GAN bundles (manifest kind "gan"): model.json + the generator's safetensors weights.
//   "generator": {"builtin": "dcgan-generator", "config": {...}, "weights": "generator.safetensors"},
//   "latent": {"shape": [64], "prior": "normal"}, "conditioning": {"num_classes": 10}
// Only the generator is stored (the discriminator is a training tool). Sampling helpers
// draw z from seeded generators so a seed always gives the same images.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>

#include "engine/models/gan_generator.h"
#include "engine/models/manifest.h"

namespace latentlab {

struct GanBundle {
  std::string dir;
  Manifest manifest;
  GanGenerator generator{nullptr};  // eval mode on `device`
  double truncation = 1.0;          // recommended psi (model.json "truncation", else 1)
  torch::Device device = torch::kCPU;

  int latentDim() const { return generator->config().latentDim; }
  int numClasses() const { return generator->config().numClasses; }
  // N x latent_dim standard normal, from a generator seeded by `seed`.
  torch::Tensor sampleLatents(int64_t n, uint64_t seed) const;
  // Images (N x C x H x W in [0, 1]) for z after truncation by psi. No grad.
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& classes, double psi);
};

// Throws BadInput naming the folder/field when it is not a GAN bundle or the weights do not fit.
std::shared_ptr<GanBundle> loadGanBundle(const std::string& dir, torch::Device device = torch::kCPU);
bool isGanBundle(const std::string& dir);  // model.json says kind "gan"

// Writes the weights and then model.json (atomic). `manifest` gives name, image, classes,
// training; kind, latent and generator are filled in from the model. truncation < 0 keeps
// manifest.truncation (the recommended psi, 1 unless set).
void saveGanBundle(const std::string& dir, Manifest manifest, GanGenerator& generator, double truncation = -1);

}  // namespace latentlab
