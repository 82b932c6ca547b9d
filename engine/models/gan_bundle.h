// GAN bundles (manifest kind "gan"): the generator, built-in or a user's TorchScript module.
//   built-in:    "generator": {"builtin": "dcgan-generator", "config": {...}, "weights": "generator.safetensors"}
//   TorchScript: "generator": {"torchscript": "generator.pt"} in a folder's model.json, or one
//                .pt file whose latentlab.json says kind "gan" (engine/models/model_file.h);
//                the module is forward(z) or forward(z, class), images in image.range.
//   "latent": {"shape": [64], "prior": "normal"}, "conditioning": {"num_classes": 10}
// Only the generator is stored (the discriminator is a training tool). Sampling helpers
// draw z from seeded generators so a seed always gives the same images. Everything above
// this file (the latent face, eval, inversion, the GAN views) goes through forward() and
// generate(), so both kinds of generator work everywhere.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/models/gan_generator.h"
#include "engine/models/manifest.h"

namespace latentlab {

class TorchScriptGenerator;

struct GanBundle {
  std::string dir;  // the folder, or the .pt file of the single-file form
  Manifest manifest;
  GanGenerator generator{nullptr};                // built-in: eval mode on `device`; else null
  std::shared_ptr<TorchScriptGenerator> script;   // TorchScript: probed at load; else null
  double truncation = 1.0;                        // recommended psi (model.json "truncation", else 1)
  torch::Device device = torch::kCPU;

  bool isTorchScript() const { return script != nullptr; }
  // Flattened latent size (a [4, 4, 4] latent is 64 numbers for the map and the seeds). A
  // built-in's config says it (equal to the manifest's once loaded; tests build bare ones).
  int latentDim() const { return generator ? generator->config().latentDim : int(manifest.latentSize()); }
  int numClasses() const { return generator ? generator->config().numClasses : manifest.numClasses; }
  int64_t parameterCount() const;
  // Stops gradients into the weights (inversion: only z learns).
  void freezeWeights();
  // N x latent_dim standard normal, from a generator seeded by `seed`.
  torch::Tensor sampleLatents(int64_t n, uint64_t seed) const;
  // The generator on z (N x latent_dim, reshaped to latent.shape for the module) with N class
  // ids (undefined when unconditional): N x C x H x W in [0, 1] (mapped from image.range).
  // Gradients flow to z when the caller records them. BadInput naming the file when a
  // TorchScript module returns another shape or a non-float tensor.
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& classes);
  // forward() on z truncated by psi, without gradients.
  torch::Tensor generate(const torch::Tensor& z, const torch::Tensor& classes, double psi);
};

// `path` is a GAN bundle folder or a single TorchScript .pt file of kind "gan". Throws
// BadInput naming the file/field when it is not one or the generator does not fit its manifest
// (TorchScript: arity, output shape, dtype, finiteness, checked once on zeros at load).
std::shared_ptr<GanBundle> loadGanBundle(const std::string& path, torch::Device device = torch::kCPU);
// model.json (or a .pt file's latentlab.json) says kind "gan". Never throws.
bool isGanBundle(const std::string& path);

// Writes the weights and then model.json (atomic). `manifest` gives name, image, classes,
// training; kind, latent and generator are filled in from the model. truncation < 0 keeps
// manifest.truncation (the recommended psi, 1 unless set).
void saveGanBundle(const std::string& dir, Manifest manifest, GanGenerator& generator, double truncation = -1);

}  // namespace latentlab
