#include "engine/models/builtin_denoiser.h"

#include <filesystem>

#include "engine/models/bundle.h"
#include "engine/models/latent_mlp.h"
#include "engine/models/unet.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

// One adapter for every built-in network: Net is a TORCH_MODULE holder whose module has
// forward(x, t, classes) and config() (with numClasses and toJson()).
template <typename Net, typename Config>
class ModuleDenoiser : public BuiltinDenoiser {
 public:
  explicit ModuleDenoiser(const Config& cfg) : m_model(cfg) {}
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& c) override {
    return m_model->forward(x, t, c);
  }
  int numClasses() const override { return m_model->config().numClasses; }
  torch::nn::Module& module() override { return *m_model; }
  nlohmann::json configJson() const override { return m_model->config().toJson(); }

 private:
  Net m_model;
};

using UNetDenoiser = ModuleDenoiser<UNet, UNetConfig>;
using LatentMlpDenoiser = ModuleDenoiser<LatentMlp, LatentMlpConfig>;

}  // namespace

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
  const NetworkSpec& n = *m.denoiser;
  const std::string w = where + ": denoiser";
  if (n.builtin == "unet") {
    if (m.kind != "diffusion") throw BadInput(w + ": builtin \"unet\" needs kind \"diffusion\" (pixels)");
    return std::make_shared<UNetDenoiser>(
        UNetConfig::fromJson(n.config, m.image.channels, m.image.height, m.image.width, m.numClasses, w));
  }
  if (n.builtin == "latent-mlp") {
    if (m.kind != "latent-diffusion" || m.latentShape.size() != 1)
      throw BadInput(w + ": builtin \"latent-mlp\" needs kind \"latent-diffusion\" and a flat latent.shape [D]");
    return std::make_shared<LatentMlpDenoiser>(
        LatentMlpConfig::fromJson(n.config, int(m.latentShape[0]), m.numClasses, w));
  }
  throw BadInput(w + ".builtin is \"" + n.builtin + "\", expected \"unet\" or \"latent-mlp\"");
}

std::shared_ptr<Denoiser> loadDenoiser(const std::string& dir, const Manifest& m, torch::Device device) {
  const std::string where = dir + "/model.json";
  if (m.denoiser && !m.denoiser->torchscript.empty())
    throw BadInput(where + ": TorchScript denoisers are not supported yet");
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
