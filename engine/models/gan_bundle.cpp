#include "engine/models/gan_bundle.h"

#include <torch/torch.h>

#include <filesystem>
#include <sstream>

#include "engine/models/builtin_registry.h"
#include "engine/models/bundle.h"
#include "engine/models/model_file.h"
#include "engine/models/torchscript_bundle.h"
#include "engine/models/torchscript_model.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

torch::Tensor GanBundle::sampleLatents(int64_t n, uint64_t seed) const {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randn({n, int64_t(latentDim())}, gen, torch::TensorOptions(torch::kFloat));
}

int64_t GanBundle::parameterCount() const {
  if (script) return script->parameterCount();
  int64_t n = 0;
  for (const auto& p : generator->parameters()) n += p.numel();
  return n;
}

void GanBundle::freezeWeights() {
  if (script) script->module().setParametersRequireGrad(false);
  else
    for (auto& p : generator->parameters()) p.requires_grad_(false);
}

torch::Tensor GanBundle::forward(const torch::Tensor& z, const torch::Tensor& classes) {
  torch::Tensor c = classes.defined() ? classes.to(device, torch::kLong) : classes;
  if (!script) return generator->forward(z.to(device, torch::kFloat), c);
  std::vector<int64_t> shape{z.size(0)};
  shape.insert(shape.end(), manifest.latentShape.begin(), manifest.latentShape.end());
  torch::Tensor y = script->forward(z.to(device, torch::kFloat).reshape(shape), c);
  const ImageSpec& im = manifest.image;
  // The probe checked the shape on zeros; a module whose shape depends on z (or on the batch
  // size) is caught here, before a grid or a PNG writer reads past its pixels.
  const std::vector<int64_t> want{z.size(0), im.channels, im.height, im.width};
  if (y.sizes() != c10::IntArrayRef(want)) {
    std::ostringstream os;
    os << dir << ": forward of " << z.size(0) << " latents returned shape " << y.sizes() << ", expected "
       << c10::IntArrayRef(want) << " (N x channels x height x width of image)";
    throw BadInput(os.str());
  }
  y = y.to(torch::kFloat);
  if (im.rangeLo == 0.f && im.rangeHi == 1.f) return y;
  return (y - im.rangeLo) / (im.rangeHi - im.rangeLo);
}

torch::Tensor GanBundle::generate(const torch::Tensor& z, const torch::Tensor& classes, double psi) {
  torch::NoGradGuard ng;
  return forward(truncateLatent(z, psi), classes);
}

namespace {

// The kind written in a .pt file's latentlab.json, without loading it ("" when none).
std::string fileKind(const std::string& path) {
  ArchiveScan scan = scanTorchScriptArchive(path);
  if (!scan.hasMetadata) return "";
  auto j = nlohmann::json::parse(scan.metadata, nullptr, false);
  return j.is_object() && j.contains("kind") && j["kind"].is_string() ? j["kind"].get<std::string>() : "";
}

std::shared_ptr<GanBundle> loadTorchScriptGan(std::shared_ptr<GanBundle> b, const std::string& file,
                                              const std::string& where, std::shared_ptr<TorchScriptModule> loaded) {
  const Manifest& m = b->manifest;
  if (m.latentShape.empty()) throw BadInput(where + ": a gan model needs latent.shape (the shape of z)");
  b->script = loadTorchScriptGenerator(file, m, b->device, where, std::move(loaded));
  b->truncation = m.truncation;
  return b;
}

}  // namespace

bool isGanBundle(const std::string& path) {
  std::error_code ec;
  try {
    if (isModelFile(path)) return fileKind(path) == "gan";
    if (!fs::is_regular_file(path + "/model.json", ec)) return false;
    auto j = readJsonFile(path + "/model.json");
    return j.is_object() && j.value("kind", std::string()) == "gan";
  } catch (const std::exception&) {
    return false;
  }
}

std::shared_ptr<GanBundle> loadGanBundle(const std::string& dir, torch::Device device) {
  auto b = std::make_shared<GanBundle>();
  b->dir = dir;
  b->device = device;
  if (isModelFile(dir)) {
    // One .pt file: its latentlab.json is the manifest, the archive the generator.
    ModelFileManifest f = readModelFile(dir);
    const std::string where = f.bare ? dir : dir + ": latentlab.json";
    b->manifest = std::move(f.manifest);
    if (b->manifest.kind != "gan")
      throw BadInput(where + ": not a GAN (kind is \"" + b->manifest.kind + "\", expected \"gan\")");
    return loadTorchScriptGan(b, dir, where, TorchScriptModule::load(dir, &f.scan));
  }
  if (!fs::is_directory(dir)) throw BadInput(dir + ": model folder not found");
  const std::string where = dir + "/model.json";
  if (!fs::exists(where)) throw BadInput(dir + ": no model.json in this folder (not a model bundle)");
  nlohmann::json j = readJsonFile(where);
  b->manifest = parseManifest(j, where);
  const Manifest& m = b->manifest;
  if (m.kind != "gan") throw BadInput(where + ": not a GAN bundle (kind is \"" + m.kind + "\", expected \"gan\")");
  const NetworkSpec& g = *m.generator;  // parseManifest requires it for kind gan
  if (j["latent"].contains("prior") && j["latent"]["prior"] != "normal")
    throw BadInput(where + ": latent.prior must be \"normal\" (the generator was trained on N(0, I))");
  if (!g.torchscript.empty()) return loadTorchScriptGan(b, dir + "/" + g.torchscript, where, nullptr);
  const std::string weights = g.weights;
  // Architecture, config and latent.shape checks: the one registry of built-ins.
  GanGenerator generator(makeBuiltinAs<GanGeneratorImpl>(ArchRole::Generator, m, where));
  const GanConfig& cfg = generator->config();
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
