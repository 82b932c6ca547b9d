#include "engine/models/gan_bundle.h"

#include <torch/torch.h>

#include <filesystem>

#include "engine/models/builtin_registry.h"
#include "engine/models/bundle.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

torch::Tensor GanBundle::sampleLatents(int64_t n, uint64_t seed) const {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randn({n, int64_t(latentDim())}, gen, torch::TensorOptions(torch::kFloat));
}

torch::Tensor GanBundle::generate(const torch::Tensor& z, const torch::Tensor& classes, double psi) {
  torch::NoGradGuard ng;
  torch::Tensor c = classes.defined() ? classes.to(device, torch::kLong) : classes;
  return generator->forward(truncateLatent(z, psi).to(device, torch::kFloat), c);
}

bool isGanBundle(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir + "/model.json", ec)) return false;
  try {
    auto j = readJsonFile(dir + "/model.json");
    return j.is_object() && j.value("kind", std::string()) == "gan";
  } catch (const std::exception&) {
    return false;
  }
}

std::shared_ptr<GanBundle> loadGanBundle(const std::string& dir, torch::Device device) {
  if (!fs::is_directory(dir)) throw BadInput(dir + ": model folder not found");
  const std::string where = dir + "/model.json";
  if (!fs::exists(where)) throw BadInput(dir + ": no model.json in this folder (not a model bundle)");
  nlohmann::json j = readJsonFile(where);
  auto b = std::make_shared<GanBundle>();
  b->dir = dir;
  b->device = device;
  b->manifest = parseManifest(j, where);
  const Manifest& m = b->manifest;
  if (m.kind != "gan") throw BadInput(where + ": not a GAN bundle (kind is \"" + m.kind + "\", expected \"gan\")");
  const NetworkSpec& g = *m.generator;  // parseManifest requires it for kind gan
  if (!g.torchscript.empty()) throw BadInput(where + ": TorchScript generators are not supported yet");
  const std::string weights = g.weights;
  // Architecture, config and latent.shape checks: the one registry of built-ins.
  GanGenerator generator(makeBuiltinAs<GanGeneratorImpl>(ArchRole::Generator, m, where));
  const GanConfig& cfg = generator->config();
  if (j["latent"].contains("prior") && j["latent"]["prior"] != "normal")
    throw BadInput(where + ": latent.prior must be \"normal\" (the generator was trained on N(0, I))");
  if (m.numClasses != cfg.numClasses)
    throw BadInput(where + ": conditioning.num_classes (" + std::to_string(m.numClasses) +
                   ") differs from generator.config.num_classes (" + std::to_string(cfg.numClasses) + ")");
  if (m.image.rangeLo != 0.f || m.image.rangeHi != 1.f)
    throw BadInput(where + ": image.range must be [0, 1] for dcgan-generator");
  b->truncation = m.truncation;
  b->generator = generator;
  loadModuleWeights(*b->generator, dir + "/" + weights);
  b->generator->to(device);
  b->generator->eval();
  return b;
}

void saveGanBundle(const std::string& dir, Manifest manifest, GanGenerator& generator, double truncation) {
  fs::create_directories(dir);
  const GanConfig& cfg = generator->config();
  manifest.kind = "gan";
  manifest.latentShape = {cfg.latentDim};
  manifest.numClasses = cfg.numClasses;
  manifest.generator = NetworkSpec{"dcgan-generator", cfg.toJson(), "generator.safetensors", ""};
  if (truncation >= 0) manifest.truncation = truncation;
  saveModuleWeights(*generator, dir + "/generator.safetensors");
  nlohmann::json j = manifestToJson(manifest);
  j["latent"]["prior"] = "normal";
  writeFileAtomic(dir + "/model.json", j.dump(2) + "\n");
}

}  // namespace latentlab
