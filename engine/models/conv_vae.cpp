#include "engine/models/conv_vae.h"

#include "engine/kernels/small_linear.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace nn = torch::nn;

ConvVaeConfig ConvVaeConfig::fromJson(const nlohmann::json& j, int c, int h, int w, const std::string& where) {
  ConvVaeConfig cfg;
  cfg.imageChannels = c, cfg.imageHeight = h, cfg.imageWidth = w;
  auto getInt = [&](const char* key, int& out, int lo, int hi) { readConfigInt(j, key, out, lo, hi, where); };
  getInt("latent_dim", cfg.latentDim, 1, 4096);
  getInt("hidden", cfg.hidden, 1, 65536);
  if (j.contains("channels")) {
    const auto& ch = j["channels"];
    if (!ch.is_array() || ch.size() != 2 || !ch[0].is_number_integer() || !ch[1].is_number_integer() ||
        ch[0].get<int>() < 1 || ch[1].get<int>() < 1 || ch[0].get<int>() > 4096 || ch[1].get<int>() > 4096)
      throw BadInput(where + ": config.channels must be two positive integers, e.g. [32, 64]");
    cfg.channels1 = ch[0].get<int>();
    cfg.channels2 = ch[1].get<int>();
  }
  if (h % 4 || w % 4) throw BadInput(where + ": conv-vae needs image height and width divisible by 4");
  return cfg;
}

nlohmann::json ConvVaeConfig::toJson() const {
  return {{"latent_dim", latentDim}, {"channels", {channels1, channels2}}, {"hidden", hidden}};
}

ConvVaeImpl::ConvVaeImpl(const ConvVaeConfig& cfg) : m_cfg(cfg) {
  const int flat = cfg.channels2 * (cfg.imageHeight / 4) * (cfg.imageWidth / 4);
  m_enc1 = register_module("enc1", nn::Conv2d(nn::Conv2dOptions(cfg.imageChannels, cfg.channels1, 4).stride(2).padding(1)));
  m_enc2 = register_module("enc2", nn::Conv2d(nn::Conv2dOptions(cfg.channels1, cfg.channels2, 4).stride(2).padding(1)));
  m_encFc = register_module("enc_fc", nn::Linear(flat, cfg.hidden));
  m_encOut = register_module("enc_out", nn::Linear(cfg.hidden, 2 * cfg.latentDim));
  m_decFc1 = register_module("dec_fc1", nn::Linear(cfg.latentDim, cfg.hidden));
  m_decFc2 = register_module("dec_fc2", nn::Linear(cfg.hidden, flat));
  m_dec1 = register_module(
      "dec1", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(cfg.channels2, cfg.channels1, 4).stride(2).padding(1)));
  m_dec2 = register_module("dec2", nn::Conv2d(nn::Conv2dOptions(cfg.channels1, cfg.channels1, 3).padding(1)));
  m_dec3 = register_module(
      "dec3", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(cfg.channels1, cfg.imageChannels, 4).stride(2).padding(1)));
}

std::pair<torch::Tensor, torch::Tensor> ConvVaeImpl::encode(const torch::Tensor& x) {
  auto h = torch::silu(m_enc1(x));
  h = torch::silu(m_enc2(h));
  h = torch::silu(m_encFc(h.flatten(1)));
  auto out = m_encOut(h);
  auto parts = out.chunk(2, 1);
  // Clamp log-variance: an untrained or extreme input must not overflow exp().
  return {parts[0], parts[1].clamp(-15.0, 10.0)};
}

torch::Tensor ConvVaeImpl::decode(const torch::Tensor& z) {
  // A latent under the cursor is one row: the matrix-vector kernel reads the 6 MB layer at
  // the memory system's speed where addmm ran at less than half (engine/kernels/small_linear.h).
  auto h = torch::silu(smallLinear(z, m_decFc1->weight, m_decFc1->bias));
  h = torch::silu(smallLinear(h, m_decFc2->weight, m_decFc2->bias));
  const int64_t h4 = m_cfg.imageHeight / 4, w4 = m_cfg.imageWidth / 4;
  if (smallConvsApply(h)) {
    // One latent: the three small convolutions as hand-written kernels on H x W x C
    // activations (LibTorch's im2col / col2im paths cost about 40 % of this decode; bench/README.md).
    // Strides and paddings as constructed above.
    using Act = SmallConvActivation;
    auto& cache = *m_smallConvs;
    auto x = h.view({m_cfg.channels2, h4 * w4}).t().contiguous().view({h4, w4, m_cfg.channels2});
    x = smallConvHwc(cache.get(m_dec1->weight, m_dec1->bias, true, 2, 1), x, Act::Silu);
    x = smallConvHwc(cache.get(m_dec2->weight, m_dec2->bias, false, 1, 1), x, Act::Silu);
    x = smallConvHwc(cache.get(m_dec3->weight, m_dec3->bias, true, 2, 1), x, Act::Sigmoid);
    return x.permute({2, 0, 1}).unsqueeze(0).contiguous();
  }
  h = h.view({z.size(0), m_cfg.channels2, h4, w4});
  h = torch::silu(m_dec1(h));
  h = torch::silu(m_dec2(h));
  return torch::sigmoid(m_dec3(h));
}

bool ConvVaeImpl::smallConvsApply(const torch::Tensor& h) const {
  if (h.dim() != 2 || h.size(0) != 1 || !h.device().is_cpu() || h.scalar_type() != torch::kFloat) return false;
  bool wantsGrad = h.requires_grad();
  for (const auto* m : std::initializer_list<const torch::nn::Module*>{m_dec1.get(), m_dec2.get(), m_dec3.get()})
    for (const auto& p : m->parameters()) {
      if (!p.device().is_cpu() || p.scalar_type() != torch::kFloat) return false;
      wantsGrad |= p.requires_grad();
    }
  return !(wantsGrad && torch::GradMode::is_enabled());  // training needs autograd's graph
}

VaeOutput ConvVaeImpl::forward(const torch::Tensor& x) {
  auto [mu, logvar] = encode(x);
  torch::Tensor z = mu;
  if (is_training()) z = mu + torch::randn_like(mu) * torch::exp(0.5 * logvar);
  return {decode(z), mu, logvar};
}

}  // namespace latentlab
