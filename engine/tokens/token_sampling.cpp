#include "engine/tokens/token_sampling.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

TokenSampling TokenSampling::fromJson(const nlohmann::json& j, const std::string& where) {
  TokenSampling s;
  if (j.is_null()) return s;
  if (!j.is_object()) throw BadInput(where + ": must be an object, got " + jsonTypeName(j));
  static const std::vector<std::string> known = {"temperature", "top_k", "top_p", "greedy"};
  for (auto& [k, v] : j.items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      throw BadInput(where + ": unknown field \"" + k + "\" (expected temperature, top_k, top_p, greedy)");
  if (j.contains("temperature")) {
    const auto& t = j["temperature"];
    if (!t.is_number() || !(t.get<double>() >= 0 && t.get<double>() <= 100))
      throw BadInput(where + ": field \"temperature\" must be a number in 0..100");
    s.temperature = t.get<double>();
  }
  if (j.contains("top_k")) {
    const auto& k = j["top_k"];
    if (!k.is_number_integer() || k.get<int64_t>() < 0 || k.get<int64_t>() > 1000000)
      throw BadInput(where + ": field \"top_k\" must be an integer >= 0 (0 = off)");
    s.topK = k.get<int>();
  }
  if (j.contains("top_p")) {
    const auto& p = j["top_p"];
    if (!p.is_number() || !(p.get<double>() > 0 && p.get<double>() <= 1))
      throw BadInput(where + ": field \"top_p\" must be a number in (0, 1] (1 = off)");
    s.topP = p.get<double>();
  }
  if (j.contains("greedy")) {
    if (!j["greedy"].is_boolean()) throw BadInput(where + ": field \"greedy\" must be true or false");
    s.greedy = j["greedy"].get<bool>();
  }
  return s;
}

nlohmann::json TokenSampling::toJson() const {
  nlohmann::json j = {{"temperature", temperature}, {"top_k", topK}, {"top_p", topP}};
  if (greedy) j["greedy"] = true;
  return j;
}

torch::Tensor filteredLogProbs(const torch::Tensor& logits, const TokenSampling& s) {
  if (!(s.temperature > 0)) throw std::invalid_argument("filteredLogProbs: temperature must be > 0");
  auto x = logits.to(torch::kDouble) / s.temperature;
  const int64_t v = x.size(-1);
  if (s.topK > 0 && s.topK < v) {
    auto kth = std::get<0>(x.topk(s.topK, -1)).select(-1, s.topK - 1).unsqueeze(-1);
    x = x.masked_fill(x.lt(kth), -kInf);  // ties with the k-th stay
  }
  auto logp = torch::log_softmax(x, -1);
  if (s.topP < 1.0) {
    auto p = logp.exp();
    auto sorted = std::get<0>(p.sort(-1, /*descending=*/true));
    // Tokens before the mass reaches p, plus the one that reaches it.
    auto count = sorted.cumsum(-1).lt(s.topP).sum(-1, true).add(1).clamp_max(v);
    auto threshold = sorted.gather(-1, count - 1);
    logp = torch::log_softmax(logp.masked_fill(p.lt(threshold), -kInf), -1);
  }
  return logp;
}

torch::Tensor chooseTokens(const torch::Tensor& logits, const TokenSampling& s, at::Generator& gen) {
  if (s.greedy || !(s.temperature > 0)) return logits.argmax(-1);
  auto probs = filteredLogProbs(logits.to(torch::kCPU), s).exp();
  return torch::multinomial(probs, 1, false, gen).squeeze(-1).to(logits.device());
}

torch::Tensor sampleTokens(TokenPriorImpl& prior, const torch::Tensor& classes, int64_t n, const torch::Tensor& prefix,
                           const TokenSampling& s, uint64_t seed, const TokenStepFn& onStep, CancelToken cancel) {
  torch::NoGradGuard ng;
  const int64_t len = prior.config().length;
  const int64_t p = prefix.defined() ? prefix.size(1) : 0;
  if (p > len) throw BadInput("token prefix longer than the " + std::to_string(len) + " tokens of an image");
  if (prefix.defined() && prefix.size(0) != n) throw std::invalid_argument("sampleTokens: prefix rows != n");
  auto gen = at::detail::createCPUGenerator(seed);
  auto out = torch::zeros({n, len}, torch::kLong);
  if (p > 0) out.slice(1, 0, p).copy_(prefix.to(torch::kCPU, torch::kLong));
  TokenKvCache cache;
  auto logits = prior.start(cache, classes, n);
  for (int64_t j = 0; j < len; ++j) {
    cancel.throwIfCancelled();
    if (j >= p) {
      out.select(1, j).copy_(chooseTokens(logits, s, gen).to(torch::kCPU));
      if (onStep) onStep(j, out.slice(1, 0, j + 1));
    }
    if (j + 1 < len) logits = prior.step(cache, out.select(1, j));
  }
  return out;
}

torch::Tensor sequenceLogProb(TokenPriorImpl& prior, const torch::Tensor& classes, const torch::Tensor& tokens) {
  torch::NoGradGuard ng;
  auto t = tokens.to(torch::kLong);
  auto logits = prior.forward(classes, t.slice(1, 0, t.size(1) - 1));
  auto logp = torch::log_softmax(logits.to(torch::kDouble), -1);
  return logp.gather(2, t.to(logits.device()).unsqueeze(2)).squeeze(2).sum(1).to(torch::kCPU);
}

std::vector<TokenBeam> beamSearch(TokenPriorImpl& prior, int64_t cls, int width, const torch::Tensor& prefix,
                                  CancelToken cancel) {
  if (width < 1 || width > 64) throw BadInput("beam width must be in 1..64, got " + std::to_string(width));
  torch::NoGradGuard ng;
  const int64_t len = prior.config().length, v = prior.config().vocab;
  const int64_t p = prefix.defined() ? prefix.size(1) : 0;
  if (p > len) throw BadInput("token prefix longer than the " + std::to_string(len) + " tokens of an image");
  const int64_t b = width;
  auto seqs = torch::zeros({b, len}, torch::kLong);
  if (p > 0) seqs.slice(1, 0, p).copy_(prefix.to(torch::kCPU, torch::kLong).expand({b, p}));
  // One live beam at first (the others -inf), so identical beams are never kept twice.
  auto scores = torch::full({b}, -kInf, torch::kDouble);
  scores[0] = 0.0;
  TokenKvCache cache;
  auto logits = prior.start(cache, torch::full({b}, cls, torch::kLong), b);
  for (int64_t j = 0; j < len; ++j) {
    cancel.throwIfCancelled();
    auto logp = torch::log_softmax(logits.to(torch::kCPU, torch::kDouble), -1);  // b x v
    if (j < p) {
      scores = scores + logp.gather(1, seqs.select(1, j).unsqueeze(1)).squeeze(1);  // the prefix's own tokens
    } else {
      auto total = (scores.unsqueeze(1) + logp).flatten();  // b*v
      auto top = total.topk(b);
      auto best = std::get<1>(top);
      auto from = best.div(v, "floor"), token = best.remainder(v);
      seqs = seqs.index_select(0, from);
      seqs.select(1, j).copy_(token);
      scores = std::get<0>(top);
      cache.select(from.to(logits.device()));
    }
    if (j + 1 < len) logits = prior.step(cache, seqs.select(1, j));
  }
  std::vector<TokenBeam> out;
  for (int64_t i = 0; i < b; ++i) {
    double s = scores[i].item<double>();
    if (!std::isfinite(s)) continue;
    TokenBeam beam;
    beam.logProb = s;
    auto row = seqs[i];
    beam.tokens.assign(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + len);
    out.push_back(std::move(beam));
  }
  return out;
}

}  // namespace latentlab
