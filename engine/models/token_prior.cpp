#include "engine/models/token_prior.h"

#include <torch/torch.h>

#include <cmath>

#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace nn = torch::nn;

TokenPriorConfig TokenPriorConfig::fromJson(const nlohmann::json& j, const std::string& where) {
  TokenPriorConfig cfg;
  if (!j.is_object()) throw BadInput(where + ": config must be an object");
  auto getInt = [&](const char* key, int& out, int lo, int hi) { readConfigInt(j, key, out, lo, hi, where); };
  getInt("vocab", cfg.vocab, 2, 65536);
  getInt("length", cfg.length, 1, 65536);
  getInt("num_classes", cfg.numClasses, 0, 100000);
  getInt("d_model", cfg.dModel, 1, 8192);
  getInt("layers", cfg.layers, 1, 64);
  getInt("heads", cfg.heads, 1, 256);
  getInt("ff_mult", cfg.ffMult, 1, 16);
  if (cfg.dModel % cfg.heads)
    throw BadInput(where + ": config.d_model (" + std::to_string(cfg.dModel) + ") must be divisible by config.heads (" +
                   std::to_string(cfg.heads) + ")");
  return cfg;
}

nlohmann::json TokenPriorConfig::toJson() const {
  return {{"vocab", vocab},   {"length", length}, {"num_classes", numClasses}, {"d_model", dModel},
          {"layers", layers}, {"heads", heads},   {"ff_mult", ffMult}};
}

void TokenKvCache::select(const torch::Tensor& rows) {
  for (auto& k : keys) k = k.index_select(0, rows);
  for (auto& v : values) v = v.index_select(0, rows);
}

TokenPriorBlockImpl::TokenPriorBlockImpl(int d, int heads, int ffMult, double dropout) : m_heads(heads) {
  m_ln1 = register_module("ln1", nn::LayerNorm(nn::LayerNormOptions({d})));
  m_qkv = register_module("qkv", nn::Linear(d, 3 * d));
  m_proj = register_module("proj", nn::Linear(d, d));
  m_ln2 = register_module("ln2", nn::LayerNorm(nn::LayerNormOptions({d})));
  m_fc1 = register_module("fc1", nn::Linear(d, ffMult * d));
  m_fc2 = register_module("fc2", nn::Linear(ffMult * d, d));
  m_drop = register_module("drop", nn::Dropout(dropout));
}

torch::Tensor TokenPriorBlockImpl::forward(const torch::Tensor& x, torch::Tensor* cacheK, torch::Tensor* cacheV) {
  const int64_t n = x.size(0), t = x.size(1), d = x.size(2), dh = d / m_heads;
  auto qkv = m_qkv(m_ln1(x)).view({n, t, 3, m_heads, dh}).permute({2, 0, 3, 1, 4});  // 3 x N x H x T x dh
  auto q = qkv[0], k = qkv[1], v = qkv[2];
  int64_t past = 0;
  if (cacheK) {
    if (cacheK->defined()) {
      past = cacheK->size(2);
      k = torch::cat({*cacheK, k}, 2);
      v = torch::cat({*cacheV, v}, 2);
    }
    *cacheK = k, *cacheV = v;
  }
  auto att = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(dh));  // N x H x T x (past+T)
  if (t > 1) {
    // Query i (absolute position past + i) sees keys 0..past + i.
    auto mask = torch::ones({t, past + t}, torch::TensorOptions(torch::kBool).device(x.device())).triu(past + 1);
    att = att.masked_fill(mask, -std::numeric_limits<float>::infinity());
  }
  auto y = torch::matmul(torch::softmax(att, -1), v).permute({0, 2, 1, 3}).reshape({n, t, d});
  auto h = x + m_drop(m_proj(y));
  return h + m_drop(m_fc2(torch::gelu(m_fc1(m_ln2(h)))));
}

TokenPriorImpl::TokenPriorImpl(const TokenPriorConfig& cfg) : m_cfg(cfg) {
  const int d = cfg.dModel;
  m_tok = register_module("tok", nn::Embedding(cfg.vocab, d));
  m_cls = register_module("cls", nn::Embedding(std::max(1, cfg.numClasses), d));
  m_pos = register_parameter("pos", torch::randn({cfg.length, d}) * 0.02);
  m_blocks = register_module("blocks", nn::ModuleList());
  for (int i = 0; i < cfg.layers; ++i) m_blocks->push_back(TokenPriorBlock(d, cfg.heads, cfg.ffMult, cfg.dropout));
  m_lnf = register_module("lnf", nn::LayerNorm(nn::LayerNormOptions({d})));
  m_head = register_module("head", nn::Linear(d, cfg.vocab));
  torch::NoGradGuard ng;  // GPT-2's initialisation: small normal weights, zero biases
  for (auto& p : named_parameters()) {
    const std::string& name = p.key();
    if (name.find("ln") != std::string::npos || name == "pos") continue;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0) p.value().zero_();
    else p.value().normal_(0, 0.02);
  }
}

torch::Tensor TokenPriorImpl::classEmbedding(const torch::Tensor& classes, int64_t batch) {
  auto dev = m_pos.device();
  torch::Tensor c = m_cfg.numClasses > 0 ? classes.to(dev, torch::kLong) : torch::zeros({batch}, torch::TensorOptions(torch::kLong).device(dev));
  return m_cls(c);  // N x d
}

torch::Tensor TokenPriorImpl::run(torch::Tensor h, TokenKvCache* cache) {
  for (size_t i = 0; i < m_blocks->size(); ++i) {
    auto block = m_blocks[i]->as<TokenPriorBlockImpl>();
    h = cache ? block->forward(h, &cache->keys[i], &cache->values[i]) : block->forward(h);
  }
  return m_head(m_lnf(h));
}

torch::Tensor TokenPriorImpl::forward(const torch::Tensor& classes, const torch::Tensor& prefix) {
  const int64_t n = prefix.size(0), t = prefix.size(1);
  if (t > m_cfg.length - 1) throw std::invalid_argument("token prior: prefix longer than length - 1");
  auto h = classEmbedding(classes, n).unsqueeze(1);
  if (t > 0) h = torch::cat({h, m_tok(prefix.to(m_pos.device(), torch::kLong))}, 1);
  h = h + m_pos.slice(0, 0, t + 1).unsqueeze(0);
  return run(h, nullptr);
}

torch::Tensor TokenPriorImpl::start(TokenKvCache& cache, const torch::Tensor& classes, int64_t batch) {
  cache.keys.assign(size_t(m_cfg.layers), torch::Tensor());
  cache.values.assign(size_t(m_cfg.layers), torch::Tensor());
  cache.length = 1;
  auto h = (classEmbedding(classes, batch) + m_pos[0]).unsqueeze(1);
  return run(h, &cache).select(1, 0);
}

torch::Tensor TokenPriorImpl::step(TokenKvCache& cache, const torch::Tensor& tokens) {
  if (cache.length < 1 || cache.length >= m_cfg.length)
    throw std::invalid_argument("token prior: step() needs start() first and at most length - 1 steps");
  auto h = (m_tok(tokens.to(m_pos.device(), torch::kLong)) + m_pos[cache.length]).unsqueeze(1);
  ++cache.length;
  return run(h, &cache).select(1, 0);
}

}  // namespace latentlab
