#include "engine/models/bundle.h"

#include <filesystem>

#include "engine/data/safetensors.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/models/builtin_registry.h"
#include "engine/models/model_kinds.h"
#include "engine/models/torchscript_bundle.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace fs = std::filesystem;

namespace latentlab {

void loadModuleWeights(torch::nn::Module& module, const std::string& path) {
  TensorMap stored = readSafetensors(path);
  torch::NoGradGuard noGrad;
  size_t used = 0;
  auto assign = [&](const std::string& name, torch::Tensor& target) {
    auto it = stored.find(name);
    if (it == stored.end()) throw BadInput(path + ": missing tensor '" + name + "'");
    if (it->second.sizes() != target.sizes()) {
      std::ostringstream os;
      os << path << ": tensor '" << name << "' has shape " << it->second.sizes() << ", the model expects "
         << target.sizes();
      throw BadInput(os.str());
    }
    target.copy_(it->second.to(target.dtype()));
    ++used;
  };
  for (auto& p : module.named_parameters()) assign(p.key(), p.value());
  for (auto& b : module.named_buffers()) assign(b.key(), b.value());
  if (used != stored.size()) {
    for (auto& [name, t] : stored) {
      bool known = module.named_parameters().contains(name) || module.named_buffers().contains(name);
      if (!known) throw BadInput(path + ": unexpected tensor '" + name + "' (wrong architecture or config?)");
    }
  }
}

void saveModuleWeights(const torch::nn::Module& module, const std::string& path) {
  TensorMap out;
  for (auto& p : module.named_parameters()) out[p.key()] = p.value();
  for (auto& b : module.named_buffers()) out[b.key()] = b.value();
  writeSafetensors(path, out);
}

int64_t ConvVaeAutoencoder::parameterCount() const {
  int64_t n = 0;
  for (auto& p : m_model->parameters()) n += p.numel();
  return n;
}

std::shared_ptr<ModelBundle> loadLatentAutoencoder(const std::string& baseDir, const Manifest& m,
                                                   const std::string& where, torch::Device device) {
  // The VAE is its own bundle (or .pt file), named relative to this one.
  std::string vaePath = (fs::path(baseDir) / m.autoencoderBundle).lexically_normal().string();
  // Its kind is checked before loading it, so a model naming itself cannot recurse.
  Manifest vm;
  try {
    vm = readModelManifest(vaePath);
  } catch (const BadInput& e) {
    throw BadInput(where + ": \"autoencoder\" must name an autoencoder bundle folder or .pt file; \"" + vaePath +
                   "\" is not one (" + e.what() + ")");
  }
  if (vm.kind != "autoencoder")
    throw BadInput(where + ": \"autoencoder\" must name an autoencoder bundle folder; \"" + vaePath + "\" is not one");
  auto vae = loadBundle(vaePath, device);
  if (vae->manifest.latentShape != m.latentShape)
    throw BadInput(where + ": latent.shape differs from the latent shape of the autoencoder bundle \"" +
                   m.autoencoderBundle + "\"");
  return vae;
}

std::shared_ptr<ModelBundle> loadBundle(const std::string& path, torch::Device device, const ModelOpenOptions& opts) {
  if (isModelFile(path)) return loadModelFile(path, device, opts);
  return loadBundle(path, device);
}

std::shared_ptr<ModelBundle> loadBundle(const std::string& dir, torch::Device device) {
  if (isModelFile(dir)) return loadModelFile(dir, device);
  if (!fs::is_directory(dir)) throw BadInput(dir + ": model folder not found");
  if (!fs::exists(dir + "/model.json")) throw BadInput(dir + ": no model.json in this folder (not a model bundle)");
  auto bundle = std::make_shared<ModelBundle>();
  bundle->dir = dir;
  bundle->manifest = readManifest(dir);
  bundle->device = device;
  Manifest& m = bundle->manifest;
  std::string where = dir + "/model.json";
  // A token model's "autoencoder" is a VQ-VAE, run by engine/tokens (TokenModel), not here.
  if (m.autoencoder && modelFamily(m.kind) != ModelFamily::Tokens) {
    const NetworkSpec& n = *m.autoencoder;
    if (!n.torchscript.empty()) {
      bundle->autoencoder = loadTorchScriptAutoencoder(dir + "/" + n.torchscript, m, device, where);
    } else {
      // Architecture, config and latent.shape checks: the one registry of built-ins.
      ConvVae model(makeBuiltinAs<ConvVaeImpl>(ArchRole::Autoencoder, m, where));
      loadModuleWeights(*model, dir + "/" + n.weights);
      model->to(device);
      bundle->autoencoder = std::make_shared<ConvVaeAutoencoder>(model);
    }
  }
  if (!m.autoencoderBundle.empty()) bundle->autoencoder = loadLatentAutoencoder(dir, m, where, device)->autoencoder;
  if (m.denoiser) bundle->denoiser = loadDenoiser(dir, m, device);
  return bundle;
}

void saveConvVaeBundle(const std::string& dir, Manifest manifest, ConvVae& model) {
  fs::create_directories(dir);
  manifest.autoencoder->builtin = "conv-vae";
  manifest.autoencoder->config = model->config().toJson();
  saveModuleWeights(*model, dir + "/" + manifest.autoencoder->weights);
  writeFileAtomic(dir + "/model.json", manifestToJson(manifest).dump(2) + "\n");
}

}  // namespace latentlab
