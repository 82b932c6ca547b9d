// The model manifest (model.json, format "latentlab-model/1"): parsed and validated with
// messages that name the field and the expected value. Torch-free.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace latentlab {

struct ImageSpec {
  int channels = 1, height = 28, width = 28;
  float rangeLo = 0.f, rangeHi = 1.f;
};

// Diffusion bundles: how the model samples best, used wherever the user has not chosen
// (the GUI's first settings, `eval`, `render denoise`). Optional in model.json:
// "sampling": {"sampler": "dpmpp-2m", "steps": 50, "guidance": 3.0}.
struct SamplingDefaults {
  std::string sampler = "ddim";
  int steps = 50;
  double guidance = 3.0;
  // DDIM with clip_sample: rebuild epsilon from the clipped x0 (diffusers' DDIM step argument
  // use_clipped_model_output, model.json "sampling".use_clipped_model_output). Off is
  // diffusers' default: the clipped x0 with the unclipped epsilon (see assets/README.md).
  bool useClippedModelOutput = false;
};

struct NetworkSpec {
  std::string builtin;       // e.g. "conv-vae"; empty when torchscript is used
  nlohmann::json config;     // builtin architecture's sizes
  std::string weights;       // safetensors file, relative to the bundle folder
  std::string torchscript;   // TorchScript file, relative to the bundle folder
};

struct Manifest {
  std::string format = "latentlab-model/1";
  std::string name;
  std::string kind;  // autoencoder | diffusion | latent-diffusion | classifier | gan | vq-autoregressive
  ImageSpec image;
  std::vector<int64_t> latentShape;
  std::vector<std::string> classes;
  std::optional<NetworkSpec> autoencoder;
  std::optional<NetworkSpec> denoiser;
  std::optional<NetworkSpec> classifier;  // kind classifier: the evaluation tool (engine/eval)
  std::optional<NetworkSpec> generator;   // kind gan: latent -> image
  std::optional<NetworkSpec> prior;       // kind vq-autoregressive: tokens -> next-token logits
  nlohmann::json tokenSampling;           // kind vq-autoregressive: recommended sampling (engine/tokens)
  double truncation = 1.0;                // kind gan: recommended truncation psi in 0..1
  std::string autoencoderBundle;  // latent-diffusion: relative path to the VAE bundle
  int numClasses = 0;             // conditioning; 0 = unconditional
  nlohmann::json scheduler;       // diffusers scheduler_config keys
  std::optional<SamplingDefaults> sampling;
  nlohmann::json training;        // provenance: command, epochs, losses (free form)
  std::string description;

  int64_t latentSize() const {
    int64_t n = 1;
    for (auto d : latentShape) n *= d;
    return n;
  }
};

Manifest parseManifest(const nlohmann::json& j, const std::string& where);
Manifest readManifest(const std::string& bundleDir);  // reads bundleDir/model.json
nlohmann::json manifestToJson(const Manifest& m);

}  // namespace latentlab
