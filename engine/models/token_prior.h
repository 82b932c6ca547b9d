// The built-in autoregressive prior over VQ-VAE tokens ("token-transformer"): a small
// class-conditional decoder-only transformer (pre-LayerNorm blocks, causal multi-head
// self-attention, GELU MLP, learned positions). Sizes come from the manifest's prior.config:
//   {"vocab": 128, "length": 49, "num_classes": 10, "d_model": 192, "layers": 4, "heads": 6}
// The sequence is [class token, t_0, ..., t_{L-2}] in raster order; the logits at position j
// predict token t_j from the class and t_<j. Unconditional when num_classes is 0 (one learned
// start token). A key/value cache makes sampling one token cost one position's work; its
// logits equal a full recomputation (tests/engine/test_token_prior.cpp). Never touches files
// and never samples (engine/tokens does).
#pragma once
#include <torch/nn.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace latentlab {

struct TokenPriorConfig {
  int vocab = 128;      // codebook size of the VQ-VAE
  int length = 49;      // tokens per image (rows x cols)
  int numClasses = 10;  // 0 = unconditional
  int dModel = 192, layers = 4, heads = 6;
  int ffMult = 4;
  double dropout = 0.1;  // training only

  static TokenPriorConfig fromJson(const nlohmann::json& config, const std::string& where);
  nlohmann::json toJson() const;
};

// Keys and values of every layer for the positions fed so far: layer x (N x heads x t x dh).
struct TokenKvCache {
  std::vector<torch::Tensor> keys, values;
  int64_t length = 0;  // positions fed (the class token counts as one)
  int64_t batch() const { return keys.empty() || !keys[0].defined() ? 0 : keys[0].size(0); }
  // Keeps rows `rows` (int64) of every tensor, in that order: beam search reorders beams.
  void select(const torch::Tensor& rows);
};

class TokenPriorBlockImpl : public torch::nn::Module {
 public:
  TokenPriorBlockImpl(int d, int heads, int ffMult, double dropout);
  // x: N x T x d. With a cache: x holds the positions after those cached (appended to it),
  // attending to all of them; without: causal attention within x.
  torch::Tensor forward(const torch::Tensor& x, torch::Tensor* cacheK = nullptr, torch::Tensor* cacheV = nullptr);

 private:
  int m_heads;
  torch::nn::LayerNorm m_ln1{nullptr}, m_ln2{nullptr};
  torch::nn::Linear m_qkv{nullptr}, m_proj{nullptr}, m_fc1{nullptr}, m_fc2{nullptr};
  torch::nn::Dropout m_drop{nullptr};
};
TORCH_MODULE(TokenPriorBlock);

class TokenPriorImpl : public torch::nn::Module {
 public:
  explicit TokenPriorImpl(const TokenPriorConfig& cfg);
  // classes: N int64 (ignored when unconditional; may be undefined then); prefix: N x T
  // tokens with 0 <= T <= length - 1 (T = 0: an N x 0 tensor). Returns N x (T+1) x vocab:
  // row j = logits of token j given the class and prefix[:, <j].
  torch::Tensor forward(const torch::Tensor& classes, const torch::Tensor& prefix);

  // Cached decoding. start() resets the cache and feeds the class token: logits of token 0
  // (N x vocab). step() feeds token t_{i} (N int64) and returns the logits of token i + 1.
  torch::Tensor start(TokenKvCache& cache, const torch::Tensor& classes, int64_t batch);
  torch::Tensor step(TokenKvCache& cache, const torch::Tensor& tokens);

  const TokenPriorConfig& config() const { return m_cfg; }

 private:
  torch::Tensor classEmbedding(const torch::Tensor& classes, int64_t batch);
  torch::Tensor run(torch::Tensor h, TokenKvCache* cache);  // blocks + final norm + head

  TokenPriorConfig m_cfg;
  torch::nn::Embedding m_tok{nullptr}, m_cls{nullptr};
  torch::Tensor m_pos;
  torch::nn::ModuleList m_blocks{nullptr};
  torch::nn::LayerNorm m_lnf{nullptr};
  torch::nn::Linear m_head{nullptr};
};
TORCH_MODULE(TokenPrior);

}  // namespace latentlab
