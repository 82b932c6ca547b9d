#include "engine/models/conv_classifier.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "engine/models/builtin_registry.h"
#include "engine/models/bundle.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace nn = torch::nn;

ConvClassifierConfig ConvClassifierConfig::fromJson(const nlohmann::json& j, const ImageSpec& image,
                                                    const std::string& where) {
  ConvClassifierConfig cfg;
  cfg.imageChannels = image.channels, cfg.imageHeight = image.height, cfg.imageWidth = image.width;
  if (!j.is_object()) throw BadInput(where + ": config must be an object");
  auto getInt = [&](const char* key, int& out, int lo, int hi) {
    if (!j.contains(key)) return;
    if (!j[key].is_number_integer() || j[key].get<int64_t>() < lo || j[key].get<int64_t>() > hi)
      throw BadInput(where + ": config." + key + " must be an integer in " + std::to_string(lo) +
                     ".." + std::to_string(hi));
    out = j[key].get<int>();
  };
  getInt("num_classes", cfg.numClasses, 2, 100000);
  getInt("features", cfg.features, 1, 65536);
  if (j.contains("channels")) {
    const auto& ch = j["channels"];
    if (!ch.is_array() || ch.size() != 2 || !ch[0].is_number_integer() ||
        !ch[1].is_number_integer() || ch[0].get<int64_t>() < 1 || ch[1].get<int64_t>() < 1 ||
        ch[0].get<int64_t>() > 4096 || ch[1].get<int64_t>() > 4096)
      throw BadInput(where + ": config.channels must be two integers in 1..4096, e.g. [32, 64]");
    cfg.channels1 = ch[0].get<int>();
    cfg.channels2 = ch[1].get<int>();
  }
  if (j.contains("dropout")) {
    if (!j["dropout"].is_number() || j["dropout"].get<double>() < 0 ||
        j["dropout"].get<double>() >= 1)
      throw BadInput(where + ": config.dropout must be a number in [0, 1)");
    cfg.dropout = j["dropout"].get<double>();
  }
  if (cfg.imageHeight % 4 || cfg.imageWidth % 4)
    throw BadInput(where + ": conv-classifier needs image height and width divisible by 4");
  return cfg;
}

nlohmann::json ConvClassifierConfig::toJson() const {
  return {{"num_classes", numClasses},
          {"channels", {channels1, channels2}},
          {"features", features},
          {"dropout", dropout}};
}

ConvClassifierImpl::ConvClassifierImpl(const ConvClassifierConfig& cfg) : m_cfg(cfg) {
  const int flat = cfg.channels2 * (cfg.imageHeight / 4) * (cfg.imageWidth / 4);
  m_conv1 = register_module(
      "conv1", nn::Conv2d(nn::Conv2dOptions(cfg.imageChannels, cfg.channels1, 3).padding(1)));
  m_conv2 = register_module(
      "conv2", nn::Conv2d(nn::Conv2dOptions(cfg.channels1, cfg.channels2, 3).padding(1)));
  m_fc = register_module("fc", nn::Linear(flat, cfg.features));
  m_out = register_module("out", nn::Linear(cfg.features, cfg.numClasses));
  m_dropout = register_module("dropout", nn::Dropout(cfg.dropout));
}

torch::Tensor ConvClassifierImpl::features(const torch::Tensor& x) {
  auto h = torch::max_pool2d(torch::relu(m_conv1(x)), 2);
  h = torch::max_pool2d(torch::relu(m_conv2(h)), 2);
  return torch::relu(m_fc(h.flatten(1)));
}

torch::Tensor ConvClassifierImpl::logitsFrom(const torch::Tensor& f) {
  return m_out(m_dropout(f));
}

std::shared_ptr<ClassifierBundle> loadClassifierBundle(const std::string& dir,
                                                       torch::Device device) {
  if (!fs::is_directory(dir)) throw BadInput(dir + ": classifier folder not found");
  if (!fs::exists(dir + "/model.json"))
    throw BadInput(dir + ": no model.json in this folder (not a model bundle)");
  auto b = std::make_shared<ClassifierBundle>();
  b->dir = dir;
  b->manifest = readManifest(dir);
  b->device = device;
  const std::string where = dir + "/model.json";
  const Manifest& m = b->manifest;
  if (m.kind != "classifier" || !m.classifier)
    throw BadInput(where + ": \"" + m.name + "\" is of kind " + m.kind +
                   "; a classifier bundle is needed");
  // Architecture and config checks: the one registry of built-ins.
  b->model = ConvClassifier(makeBuiltinAs<ConvClassifierImpl>(ArchRole::Classifier, m, where));
  loadModuleWeights(*b->model, dir + "/" + m.classifier->weights);
  for (auto& p : b->model->parameters())
    if (!torch::isfinite(p).all().item<bool>())
      throw BadInput(where + ": the classifier weights hold NaN or Inf");
  b->model->to(device);
  b->model->eval();
  return b;
}

void saveClassifierBundle(const std::string& dir, Manifest manifest, ConvClassifier& model) {
  fs::create_directories(dir);
  manifest.kind = "classifier";
  if (!manifest.classifier)
    manifest.classifier = NetworkSpec{"conv-classifier", {}, "classifier.safetensors", ""};
  manifest.classifier->builtin = "conv-classifier";
  manifest.classifier->config = model->config().toJson();
  saveModuleWeights(*model, dir + "/" + manifest.classifier->weights);
  writeFileAtomic(dir + "/model.json", manifestToJson(manifest).dump(2) + "\n");
}

double classAccuracy(const torch::Tensor& logits, const torch::Tensor& labels) {
  if (logits.dim() != 2 || labels.dim() != 1 || logits.size(0) != labels.size(0))
    throw BadInput("classAccuracy: logits must be N x K and labels N");
  if (logits.size(0) == 0) return std::numeric_limits<double>::quiet_NaN();
  auto hits = logits.argmax(1).to(torch::kLong).eq(labels.to(logits.device(), torch::kLong));
  return hits.to(torch::kDouble).mean().item<double>();
}

}  // namespace latentlab
