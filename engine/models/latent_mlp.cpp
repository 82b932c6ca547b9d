#include "engine/models/latent_mlp.h"

#include <torch/torch.h>

#include "engine/models/timestep_embedding.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace nn = torch::nn;

LatentMlpConfig LatentMlpConfig::fromJson(const nlohmann::json& j, int latentDim, int numClasses,
                                          const std::string& where) {
  LatentMlpConfig cfg;
  cfg.latentDim = latentDim, cfg.numClasses = numClasses;
  auto getInt = [&](const char* key, int& out, int lo, int hi) { readConfigInt(j, key, out, lo, hi, where); };
  int declared = latentDim;
  getInt("latent_dim", declared, 1, 65536);
  if (declared != latentDim)
    throw BadInput(where + ": config.latent_dim (" + std::to_string(declared) + ") must equal latent.shape [" +
                   std::to_string(latentDim) + "]");
  getInt("hidden", cfg.hidden, 1, 65536);
  getInt("blocks", cfg.blocks, 0, 64);
  getInt("emb_dim", cfg.embDim, 2, 4096);
  if (j.contains("latent_scale")) {
    if (!j["latent_scale"].is_number() || !(j["latent_scale"].get<double>() > 0))
      throw BadInput(where + ": config.latent_scale must be a positive number");
    cfg.latentScale = j["latent_scale"].get<double>();
  }
  return cfg;
}

nlohmann::json LatentMlpConfig::toJson() const {
  return {{"latent_dim", latentDim}, {"hidden", hidden}, {"blocks", blocks}, {"emb_dim", embDim},
          {"latent_scale", latentScale}};
}

LatentMlpImpl::LatentMlpImpl(const LatentMlpConfig& cfg) : m_cfg(cfg) {
  const int e = cfg.embDim, h = cfg.hidden;
  m_timeMlp = register_module("time_mlp", nn::Sequential(nn::Linear(e, e), nn::SiLU(), nn::Linear(e, e)));
  if (cfg.numClasses > 0) m_classEmb = register_module("class_emb", nn::Embedding(cfg.numClasses + 1, e));
  m_in = register_module("in", nn::Linear(cfg.latentDim, h));
  m_norms = register_module("norms", nn::ModuleList());
  m_fc1 = register_module("fc1", nn::ModuleList());
  m_fc2 = register_module("fc2", nn::ModuleList());
  m_embProj = register_module("emb_proj", nn::ModuleList());
  for (int b = 0; b < cfg.blocks; ++b) {
    m_norms->push_back(nn::LayerNorm(nn::LayerNormOptions({h})));
    m_fc1->push_back(nn::Linear(h, 2 * h));
    m_embProj->push_back(nn::Linear(e, 2 * h));
    m_fc2->push_back(nn::Linear(2 * h, h));
  }
  m_normOut = register_module("norm_out", nn::LayerNorm(nn::LayerNormOptions({h})));
  m_out = register_module("out", nn::Linear(h, cfg.latentDim));
}

torch::Tensor LatentMlpImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& classes) {
  auto emb = m_timeMlp->forward(timestepEmbedding(t, m_cfg.embDim).to(x.dtype()));
  if (m_classEmb) {
    auto c = classes.defined() ? classes.to(torch::kLong)
                               : torch::full({x.size(0)}, m_cfg.numClasses, torch::TensorOptions(torch::kLong).device(x.device()));
    emb = emb + m_classEmb(c);
  }
  emb = torch::silu(emb);
  auto h = m_in(x);
  for (int b = 0; b < m_cfg.blocks; ++b) {
    auto u = m_fc1[size_t(b)]->as<nn::Linear>()->forward(m_norms[size_t(b)]->as<nn::LayerNorm>()->forward(h));
    u = torch::silu(u + m_embProj[size_t(b)]->as<nn::Linear>()->forward(emb));
    h = h + m_fc2[size_t(b)]->as<nn::Linear>()->forward(u);
  }
  return m_out(torch::silu(m_normOut(h)));
}

}  // namespace latentlab
