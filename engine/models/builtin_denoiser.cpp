#include "engine/models/builtin_denoiser.h"

#include <filesystem>

#include "engine/models/builtin_registry.h"
#include "engine/models/bundle.h"
#include "engine/models/torchscript_bundle.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace fs = std::filesystem;

namespace latentlab {

int64_t BuiltinDenoiser::parameterCount() const {
  int64_t n = 0;
  for (auto& p : const_cast<BuiltinDenoiser*>(this)->module().parameters()) n += p.numel();
  return n;
}

std::vector<int64_t> diffusionSampleShape(const Manifest& m) {
  if (m.kind == "latent-diffusion") return m.latentShape;
  return {m.image.channels, m.image.height, m.image.width};
}

std::shared_ptr<BuiltinDenoiser> makeBuiltinDenoiser(const Manifest& m, const std::string& where) {
  if (!m.denoiser) throw BadInput(where + ": no \"denoiser\" object");
  // The architecture (and its message for an unknown name) comes from the one registry.
  return requireBuiltin(ArchRole::Denoiser, m.denoiser->builtin, where).makeDenoiser(m, where);
}

std::shared_ptr<Denoiser> loadDenoiser(const std::string& dir, const Manifest& m, torch::Device device) {
  const std::string where = dir + "/model.json";
  if (m.denoiser && !m.denoiser->torchscript.empty())
    return loadTorchScriptDenoiser(dir + "/" + m.denoiser->torchscript, m, device, where);
  auto model = makeBuiltinDenoiser(m, where);
  loadModuleWeights(model->module(), dir + "/" + m.denoiser->weights);
  for (auto& p : model->module().parameters())
    if (!torch::isfinite(p).all().item<bool>()) throw BadInput(dir + "/" + m.denoiser->weights + ": weights contain NaN or Inf");
  model->module().eval();
  model->to(device);
  return model;
}

void saveDenoiserBundle(const std::string& dir, Manifest manifest, BuiltinDenoiser& model) {
  fs::create_directories(dir);
  manifest.denoiser->config = model.configJson();
  saveModuleWeights(model.module(), dir + "/" + manifest.denoiser->weights);
  writeFileAtomic(dir + "/model.json", manifestToJson(manifest).dump(2) + "\n");
}

}  // namespace latentlab
