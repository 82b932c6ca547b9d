#include "engine/models/gan_generator.h"

#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace nn = torch::nn;

GanConfig GanConfig::fromJson(const nlohmann::json& j, int c, int h, int w, const std::string& where) {
  GanConfig cfg;
  cfg.imageChannels = c, cfg.imageHeight = h, cfg.imageWidth = w;
  if (!j.is_object()) throw BadInput(where + ": config must be an object");
  auto getInt = [&](const char* key, int& out, int lo, int hi) { readConfigInt(j, key, out, lo, hi, where); };
  getInt("latent_dim", cfg.latentDim, 1, 4096);
  getInt("num_classes", cfg.numClasses, 0, 100000);
  getInt("emb_dim", cfg.embDim, 1, 4096);
  if (j.contains("channels")) {
    const auto& ch = j["channels"];
    bool ok = ch.is_array() && ch.size() == 3;
    for (size_t i = 0; ok && i < 3; ++i)
      ok = ch[i].is_number_integer() && ch[i].get<int64_t>() >= 1 && ch[i].get<int64_t>() <= 4096;
    if (!ok) throw BadInput(where + ": config.channels must be three positive integers, e.g. [128, 64, 32]");
    cfg.channels0 = ch[0].get<int>(), cfg.channels1 = ch[1].get<int>(), cfg.channels2 = ch[2].get<int>();
  }
  if (h % 4 || w % 4) throw BadInput(where + ": dcgan-generator needs image height and width divisible by 4");
  return cfg;
}

nlohmann::json GanConfig::toJson() const {
  return {{"latent_dim", latentDim},
          {"num_classes", numClasses},
          {"emb_dim", embDim},
          {"channels", {channels0, channels1, channels2}}};
}

ConditionalBatchNormImpl::ConditionalBatchNormImpl(int channels, int numClasses) : m_numClasses(numClasses) {
  m_bn = register_module("bn", nn::BatchNorm2d(nn::BatchNorm2dOptions(channels).affine(false)));
  if (numClasses > 0) {
    m_gain = register_module("gain", nn::Embedding(numClasses, channels));
    m_bias = register_module("bias", nn::Embedding(numClasses, channels));
    torch::NoGradGuard ng;
    m_gain->weight.zero_();  // starts as plain BatchNorm: gain 1 + 0, bias 0
    m_bias->weight.zero_();
  } else {
    m_gain0 = register_parameter("gain", torch::ones({channels}));
    m_bias0 = register_parameter("bias", torch::zeros({channels}));
  }
}

torch::Tensor ConditionalBatchNormImpl::forward(const torch::Tensor& x, const torch::Tensor& classes) {
  auto h = m_bn(x);
  if (m_numClasses == 0) return h * m_gain0.view({1, -1, 1, 1}) + m_bias0.view({1, -1, 1, 1});
  auto g = m_gain(classes).unsqueeze(-1).unsqueeze(-1);
  auto b = m_bias(classes).unsqueeze(-1).unsqueeze(-1);
  return h * (1 + g) + b;
}

GanGeneratorImpl::GanGeneratorImpl(const GanConfig& cfg) : m_cfg(cfg) {
  const int in = cfg.latentDim + (cfg.numClasses > 0 ? cfg.embDim : 0);
  if (cfg.numClasses > 0) m_embed = register_module("embed", nn::Embedding(cfg.numClasses, cfg.embDim));
  m_fc = register_module("fc", nn::Linear(in, cfg.channels0 * (cfg.imageHeight / 4) * (cfg.imageWidth / 4)));
  m_bn0 = register_module("bn0", ConditionalBatchNorm(cfg.channels0, cfg.numClasses));
  m_up1 = register_module(
      "up1", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(cfg.channels0, cfg.channels1, 4).stride(2).padding(1)));
  m_bn1 = register_module("bn1", ConditionalBatchNorm(cfg.channels1, cfg.numClasses));
  m_up2 = register_module(
      "up2", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(cfg.channels1, cfg.channels2, 4).stride(2).padding(1)));
  m_bn2 = register_module("bn2", ConditionalBatchNorm(cfg.channels2, cfg.numClasses));
  m_out = register_module("out", nn::Conv2d(nn::Conv2dOptions(cfg.channels2, cfg.imageChannels, 3).padding(1)));
}

torch::Tensor GanGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& classes) {
  auto in = z;
  if (m_cfg.numClasses > 0) in = torch::cat({z, m_embed(classes)}, 1);
  auto h = m_fc(in).view({z.size(0), m_cfg.channels0, m_cfg.imageHeight / 4, m_cfg.imageWidth / 4});
  h = torch::relu(m_bn0(h, classes));
  h = torch::relu(m_bn1(m_up1(h), classes));
  h = torch::relu(m_bn2(m_up2(h), classes));
  return 0.5 * (torch::tanh(m_out(h)) + 1.0);
}

std::vector<torch::nn::BatchNorm2d> GanGeneratorImpl::batchNorms() {
  return {m_bn0->norm(), m_bn1->norm(), m_bn2->norm()};
}

torch::Tensor truncateLatent(const torch::Tensor& z, double psi) {
  if (!(psi >= 0.0 && psi <= 1.0)) throw UsageError("truncation psi must be in 0..1");
  return z * psi;
}

}  // namespace latentlab
