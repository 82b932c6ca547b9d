#include "engine/models/vq_bundle.h"

#include <torch/torch.h>

#include <filesystem>

#include "engine/models/builtin_registry.h"
#include "engine/models/bundle.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

std::shared_ptr<VqBundle> loadVqBundle(const std::string& dir, torch::Device device) {
  if (!fs::is_directory(dir)) throw BadInput(dir + ": model folder not found");
  const std::string where = dir + "/model.json";
  if (!fs::exists(where)) throw BadInput(dir + ": no model.json in this folder (not a model bundle)");
  auto b = std::make_shared<VqBundle>();
  b->dir = dir;
  b->device = device;
  b->manifest = parseManifest(readJsonFile(where), where);
  const Manifest& m = b->manifest;
  if (m.kind != "vq-autoregressive")
    throw BadInput(where + ": not a token model (kind is \"" + m.kind + "\", expected \"vq-autoregressive\")");
  if (!m.autoencoder->torchscript.empty()) throw BadInput(where + ": TorchScript VQ-VAEs are not supported yet");
  if (m.image.rangeLo != 0.f || m.image.rangeHi != 1.f) throw BadInput(where + ": image.range must be [0, 1] for vq-vae");
  b->vq = VqVae(makeBuiltinAs<VqVaeImpl>(ArchRole::Tokenizer, m, where));
  loadModuleWeights(*b->vq, dir + "/" + m.autoencoder->weights);
  b->vq->to(device);
  b->vq->eval();
  if (m.prior) {
    if (!m.prior->torchscript.empty()) throw BadInput(where + ": TorchScript priors are not supported yet");
    b->prior = TokenPrior(makeBuiltinAs<TokenPriorImpl>(ArchRole::Prior, m, where));
    loadModuleWeights(*b->prior, dir + "/" + m.prior->weights);
    b->prior->to(device);
    b->prior->eval();
  }
  b->recommended = TokenSampling::fromJson(m.tokenSampling, where + ": token_sampling");
  return b;
}

torch::Tensor VqBundle::decodeTokens(const torch::Tensor& tokens) {
  torch::NoGradGuard ng;
  const auto& c = vq->config();
  auto t = tokens.to(device, torch::kLong);
  if (t.numel() % c.tokenCount()) throw BadInput("token grid of the wrong size for this VQ-VAE");
  if (t.numel() > 0 && (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= c.codebookSize))
    throw BadInput("token index out of range 0.." + std::to_string(c.codebookSize - 1));
  return vq->decode(t.reshape({-1, c.tokensHigh(), c.tokensWide()}));
}

void saveVqBundle(const std::string& dir, Manifest manifest, VqVae& model) {
  fs::create_directories(dir);
  const VqVaeConfig& cfg = model->config();
  manifest.kind = "vq-autoregressive";
  manifest.latentShape = {cfg.tokensHigh(), cfg.tokensWide()};
  manifest.autoencoder = NetworkSpec{"vq-vae", cfg.toJson(), "vqvae.safetensors", ""};
  saveModuleWeights(*model, dir + "/vqvae.safetensors");
  writeFileAtomic(dir + "/model.json", manifestToJson(manifest).dump(2) + "\n");
}

}  // namespace latentlab
