#include "engine/models/torchscript_bundle.h"

#include <filesystem>
#include <sstream>

#include "engine/models/builtin_denoiser.h"
#include "engine/models/torchscript_model.h"
#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab {

std::shared_ptr<Autoencoder> loadTorchScriptAutoencoder(const std::string& path, Manifest& manifest,
                                                        torch::Device device, const std::string& where,
                                                        bool findLatent, std::shared_ptr<TorchScriptModule> loaded) {
  auto module = loaded ? loaded : TorchScriptModule::load(path);
  AutoencoderProbe p = probeAutoencoder(module, manifest.image, findLatent ? std::vector<int64_t>{} : manifest.latentShape,
                                        where);
  if (findLatent) manifest.latentShape = p.latentShape;
  module->to(device);
  return std::make_shared<TorchScriptAutoencoder>(module);
}

std::shared_ptr<Denoiser> loadTorchScriptDenoiser(const std::string& path, const Manifest& manifest,
                                                  torch::Device device, const std::string& where,
                                                  std::shared_ptr<TorchScriptModule> loaded) {
  auto module = loaded ? loaded : TorchScriptModule::load(path);
  if (manifest.kind == "latent-diffusion" && manifest.latentShape.empty())
    throw BadInput(where + ": a latent-diffusion model needs latent.shape (the shape its denoiser works on)");
  probeDenoiser(module, diffusionSampleShape(manifest), manifest.numClasses, where);
  module->to(device);
  return std::make_shared<TorchScriptDenoiser>(module, manifest.numClasses);
}

std::shared_ptr<TorchScriptGenerator> loadTorchScriptGenerator(const std::string& path, const Manifest& manifest,
                                                               torch::Device device, const std::string& where,
                                                               std::shared_ptr<TorchScriptModule> loaded) {
  auto module = loaded ? loaded : TorchScriptModule::load(path);
  probeGenerator(module, manifest.image, manifest.latentShape, manifest.numClasses, where);
  module->to(device);
  return std::make_shared<TorchScriptGenerator>(module, manifest.numClasses);
}

std::shared_ptr<ModelBundle> loadModelFile(const std::string& path, torch::Device device, const ModelOpenOptions& opts) {
  ModelFileManifest f = readModelFile(path, opts);
  auto b = std::make_shared<ModelBundle>();
  b->dir = path;
  b->device = device;
  b->manifest = std::move(f.manifest);
  b->notes = std::move(f.notes);
  Manifest& m = b->manifest;
  const std::string where = f.bare ? path : path + ": latentlab.json";
  const std::string base = fs::path(path).parent_path().string();
  auto module = TorchScriptModule::load(path, &f.scan);
  if (m.kind == "autoencoder") {
    b->autoencoder = loadTorchScriptAutoencoder(path, m, device, where, f.latentFromProbe, module);
    if (f.latentFromProbe) {
      std::ostringstream os;
      os << "latent shape " << c10::IntArrayRef(m.latentShape) << " found by running encode on a zero image";
      b->notes.push_back(os.str());
    }
  } else if (m.kind == "diffusion" || m.kind == "latent-diffusion") {
    if (!m.autoencoderBundle.empty())
      b->autoencoder = loadLatentAutoencoder(base.empty() ? "." : base, m, where, device)->autoencoder;
    else if (m.kind == "latent-diffusion")
      throw BadInput(where + ": a latent-diffusion file needs \"autoencoder\": the path of its VAE (.pt file or folder)");
    b->denoiser = loadTorchScriptDenoiser(path, m, device, where, module);
  } else if (m.kind == "gan") {
    // Checked here too so `info` and the probe refuse a bad generator; the GAN views,
    // render and eval run it through loadGanBundle (engine/models/gan_bundle.h).
    loadTorchScriptGenerator(path, m, device, where, module);
  } else {
    throw BadInput(where + ": kind \"" + m.kind + "\" cannot be opened from a TorchScript file");
  }
  return b;
}

}  // namespace latentlab
