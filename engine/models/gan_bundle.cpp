#include "engine/models/gan_bundle.h"

#include <torch/torch.h>

#include <filesystem>

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

namespace {

// The manifest's common fields. Until manifest.* knows kind "gan", the GAN-only fields are
// set aside and the rest is validated as a classifier-shaped manifest, so every shared
// field gets the same checks and messages as in other bundles.
Manifest parseGanManifest(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("kind") || j["kind"] != "gan")
    throw BadInput(where + ": not a GAN bundle (field \"kind\" must be \"gan\")");
  if (!j.contains("generator")) throw BadInput(where + ": a GAN model needs a \"generator\" object");
  try {
    return parseManifest(j, where);
  } catch (const BadInput&) {
  }
  nlohmann::json rest = j;
  rest.erase("generator");
  rest.erase("truncation");
  rest["kind"] = "classifier";
  rest["classifier"] = j["generator"];
  Manifest m = parseManifest(rest, where);
  m.kind = "gan";
  m.classifier.reset();
  return m;
}

}  // namespace

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
  b->manifest = parseGanManifest(j, where);
  const nlohmann::json& g = j["generator"];
  if (!g.is_object() || !g.contains("builtin") || !g["builtin"].is_string())
    throw BadInput(where + ": generator.builtin must be a string (\"dcgan-generator\")");
  if (g["builtin"] != "dcgan-generator")
    throw BadInput(where + ": generator.builtin is \"" + g["builtin"].get<std::string>() + "\", expected \"dcgan-generator\"");
  if (!g.contains("weights") || !g["weights"].is_string()) throw BadInput(where + ": generator.weights must be a file name");
  const std::string weights = g["weights"].get<std::string>();
  if (weights.empty() || weights.find("..") != std::string::npos || weights[0] == '/')
    throw BadInput(where + ": generator.weights \"" + weights + "\" must be a plain name inside the bundle folder");
  const Manifest& m = b->manifest;
  GanConfig cfg = GanConfig::fromJson(g.value("config", nlohmann::json::object()), m.image.channels, m.image.height,
                                      m.image.width, where + ": generator");
  if (m.latentShape.size() != 1 || m.latentShape[0] != cfg.latentDim)
    throw BadInput(where + ": latent.shape must be [" + std::to_string(cfg.latentDim) +
                   "] to match generator.config.latent_dim");
  if (j.contains("latent") && j["latent"].contains("prior") && j["latent"]["prior"] != "normal")
    throw BadInput(where + ": latent.prior must be \"normal\" (the generator was trained on N(0, I))");
  if (m.numClasses != cfg.numClasses)
    throw BadInput(where + ": conditioning.num_classes (" + std::to_string(m.numClasses) +
                   ") differs from generator.config.num_classes (" + std::to_string(cfg.numClasses) + ")");
  if (m.image.rangeLo != 0.f || m.image.rangeHi != 1.f)
    throw BadInput(where + ": image.range must be [0, 1] for dcgan-generator");
  if (j.contains("truncation")) {
    if (!j["truncation"].is_number() || j["truncation"].get<double>() < 0 || j["truncation"].get<double>() > 1)
      throw BadInput(where + ": truncation must be a number in 0..1 (the recommended psi)");
    b->truncation = j["truncation"].get<double>();
  }
  b->generator = GanGenerator(cfg);
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
  saveModuleWeights(*generator, dir + "/generator.safetensors");
  nlohmann::json j = manifestToJson(manifest);
  j["latent"] = {{"shape", {cfg.latentDim}}, {"prior", "normal"}};
  j["generator"] = {{"builtin", "dcgan-generator"}, {"config", cfg.toJson()}, {"weights", "generator.safetensors"}};
  if (truncation >= 0) j["truncation"] = truncation;
  writeFileAtomic(dir + "/model.json", j.dump(2) + "\n");
}

}  // namespace latentlab
