// Next-token sampling for the token prior (engine/models/token_prior.h): temperature,
// top-k, top-p (nucleus), greedy and beam search, all on the key/value cache, seeded.
// Order of the cuts (as in common practice): logits / temperature, then top-k, then top-p on
// what is left. top-k keeps the k largest logits and any tied with the k-th; top-p keeps the
// smallest set of most likely tokens whose probability mass reaches p, plus any tied with the
// last one kept. Temperature 0 (or greedy) takes the argmax. Never decodes images and never
// loads files; the torch-free face for the GUI is engine/tokens/token_model.h.
#pragma once
#include <torch/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/jobs/progress.h"
#include "engine/models/token_prior.h"

namespace latentlab {

struct TokenSampling {
  double temperature = 1.0;  // 0 = greedy
  int topK = 0;              // 0 = off
  double topP = 1.0;         // 1 = off
  bool greedy = false;       // argmax at every step (temperature, top-k, top-p ignored)

  // model.json "token_sampling": {"temperature": 0.8, "top_k": 0, "top_p": 0.95}; each key
  // optional; BadInput naming the field when out of range.
  static TokenSampling fromJson(const nlohmann::json& j, const std::string& where);
  nlohmann::json toJson() const;
};

// Log-probabilities (N x V, double) after temperature, top-k and top-p; cut tokens are -inf.
// temperature must be > 0 here.
torch::Tensor filteredLogProbs(const torch::Tensor& logits, const TokenSampling& s);

// The next token of each row: argmax when greedy or temperature <= 0, else a draw from
// softmax(filteredLogProbs) with `gen`.
torch::Tensor chooseTokens(const torch::Tensor& logits, const TokenSampling& s, at::Generator& gen);

// Called after each sampled position with (position, N x (position+1) tokens so far).
using TokenStepFn = std::function<void(int64_t position, const torch::Tensor& tokensSoFar)>;

// N full sequences (N x length int64) for `classes` (N int64; ignored when unconditional),
// keeping `prefix` (N x P, 0 <= P <= length; an undefined tensor = none) and drawing the rest
// one token at a time with the KV cache. The same seed gives the same tokens. No grad.
torch::Tensor sampleTokens(TokenPriorImpl& prior, const torch::Tensor& classes, int64_t n, const torch::Tensor& prefix,
                           const TokenSampling& s, uint64_t seed, const TokenStepFn& onStep = {},
                           CancelToken cancel = {});

// Sum over positions of log p(t_j | class, t_<j) under the model at temperature 1 (N double).
torch::Tensor sequenceLogProb(TokenPriorImpl& prior, const torch::Tensor& classes, const torch::Tensor& tokens);

struct TokenBeam {
  std::vector<int64_t> tokens;  // length
  double logProb = 0;           // sum of log p at temperature 1
};

// Beam search (width 1..64) for one class from `prefix` (1 x P or undefined): the `width` most
// likely complete sequences found, best first. Width 1 equals greedy decoding.
std::vector<TokenBeam> beamSearch(TokenPriorImpl& prior, int64_t cls, int width, const torch::Tensor& prefix = {},
                                  CancelToken cancel = {});

}  // namespace latentlab
