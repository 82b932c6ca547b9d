// Sampling from the token prior (engine/tokens/token_sampling.h, engine/models/token_prior.h)
// on a small random transformer: temperature -> 0 and top-k = 1 equal greedy decoding,
// top-p/top-k keep exactly the tokens a numpy reference keeps (random logits with ties),
// the same seed repeats, the KV-cached logits equal a full recomputation, a later token never
// changes an earlier position's logits, and beam search is consistent with the model's
// own sequence probabilities.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/tokens/token_sampling.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
TokenPrior tinyPrior(int numClasses = 3) {
  TokenPriorConfig c;
  c.vocab = 11, c.length = 9, c.numClasses = numClasses, c.dModel = 16, c.layers = 2, c.heads = 2, c.dropout = 0;
  torch::manual_seed(7);
  TokenPrior p(c);
  {
    torch::NoGradGuard ng;  // larger weights than GPT-2's init, so distributions are far from uniform
    for (auto& w : p->parameters()) w.mul_(8.0);
  }
  p->eval();
  return p;
}
torch::Tensor classes6() { return torch::tensor({0, 1, 2, 0, 1, 2}, torch::kLong); }
}  // namespace

TEST_CASE("the KV-cached logits equal a full recomputation, and later tokens never change earlier logits") {
  auto p = tinyPrior();
  torch::NoGradGuard ng;
  auto tokens = torch::randint(11, {6, 9}, at::detail::createCPUGenerator(1), torch::kLong);
  auto full = p->forward(classes6(), tokens.slice(1, 0, 8));  // 6 x 9 x 11
  TokenKvCache cache;
  std::vector<torch::Tensor> cached = {p->start(cache, classes6(), 6)};
  for (int j = 0; j < 8; ++j) cached.push_back(p->step(cache, tokens.select(1, j)));
  auto stepwise = torch::stack(cached, 1);
  CHECK((stepwise - full).abs().max().item<float>() < 1e-5f);
  CHECK(full.std().item<float>() > 0.5f);  // real, position-dependent logits

  for (int j = 0; j < 8; ++j) {
    CAPTURE(j);
    auto changed = tokens.clone();
    changed.select(1, j).add_(1).remainder_(11);
    auto again = p->forward(classes6(), changed.slice(1, 0, 8));
    // Positions 0..j never see token j; position j+1 does.
    CHECK(torch::equal(again.slice(1, 0, j + 1), full.slice(1, 0, j + 1)));
    CHECK(!torch::allclose(again.select(1, j + 1), full.select(1, j + 1)));
  }
}

TEST_CASE("temperature -> 0 and top-k = 1 equal greedy decoding; the same seed repeats") {
  auto p = tinyPrior();
  TokenSampling greedy;
  greedy.greedy = true;
  auto g = sampleTokens(*p, classes6(), 6, torch::Tensor(), greedy, 1);
  // Greedy by hand: argmax of the full forward pass, position by position.
  {
    torch::NoGradGuard ng;
    auto logits = p->forward(classes6(), g.slice(1, 0, 8));
    CHECK(torch::equal(logits.argmax(2), g));
  }
  TokenSampling cold;
  cold.temperature = 1e-4;
  CHECK(torch::equal(sampleTokens(*p, classes6(), 6, torch::Tensor(), cold, 5), g));
  TokenSampling k1;
  k1.topK = 1;
  CHECK(torch::equal(sampleTokens(*p, classes6(), 6, torch::Tensor(), k1, 6), g));
  TokenSampling zeroT;
  zeroT.temperature = 0;
  CHECK(torch::equal(sampleTokens(*p, classes6(), 6, torch::Tensor(), zeroT, 7), g));

  TokenSampling s;
  s.temperature = 1.2, s.topP = 0.9;
  auto a = sampleTokens(*p, classes6(), 6, torch::Tensor(), s, 42);
  CHECK(torch::equal(a, sampleTokens(*p, classes6(), 6, torch::Tensor(), s, 42)));
  CHECK(!torch::equal(a, sampleTokens(*p, classes6(), 6, torch::Tensor(), s, 43)));
  CHECK(!torch::equal(a, g));
  CHECK(a.min().item<int64_t>() >= 0);
  CHECK(a.max().item<int64_t>() < 11);
}

TEST_CASE("a prefix is kept and the rest is redrawn") {
  auto p = tinyPrior();
  TokenSampling s;
  auto prefix = torch::tensor({{3, 4, 5}, {6, 7, 8}}, torch::kLong);
  auto cls = torch::tensor({1, 2}, torch::kLong);
  auto out = sampleTokens(*p, cls, 2, prefix, s, 9);
  CHECK(torch::equal(out.slice(1, 0, 3), prefix));
  // Greedy from a prefix equals greedy over the full forward pass with that prefix.
  TokenSampling greedy;
  greedy.greedy = true;
  auto g = sampleTokens(*p, cls, 2, prefix, greedy, 0);
  torch::NoGradGuard ng;
  auto logits = p->forward(cls, g.slice(1, 0, 8));
  CHECK(torch::equal(logits.argmax(2).slice(1, 3, 9), g.slice(1, 3, 9)));
}

TEST_CASE("top-k and top-p keep exactly the tokens a numpy reference keeps (random logits with ties)") {
  auto gen = at::detail::createCPUGenerator(11);
  // Rounded to halves: many exact ties, also at the cut.
  auto logits = (torch::randn({64, 40}, gen, torch::TensorOptions(torch::kFloat)) * 2).mul(2).round().div(2);
  std::string tmp = t::tempDir("token_filter");
  writeTensorNpy(tmp + "/logits.npy", logits.contiguous());
  struct Case {
    double t;
    int k;
    double p;
  };
  for (Case c : {Case{1.0, 0, 0.8}, Case{0.7, 0, 0.95}, Case{1.3, 0, 0.5}, Case{1.0, 5, 1.0}, Case{1.0, 8, 0.9},
                 Case{2.0, 1, 1.0}, Case{1.0, 0, 1.0}}) {
    CAPTURE(c.t);
    CAPTURE(c.k);
    CAPTURE(c.p);
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/token_reference.py") +
                           " filter " + tmp + "/logits.npy " + std::to_string(c.t) + " " + std::to_string(c.k) + " " +
                           std::to_string(c.p) + " " + tmp + "/keep.npy");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    auto ref = npyToTensor(readNpy(tmp + "/keep.npy")).to(torch::kBool);
    TokenSampling s;
    s.temperature = c.t, s.topK = c.k, s.topP = c.p;
    auto lp = filteredLogProbs(logits, s);
    auto kept = torch::isfinite(lp);
    CHECK(torch::equal(kept, ref));
    // What is kept is renormalised to 1.
    CHECK((lp.exp().sum(1) - 1).abs().max().item<double>() < 1e-9);
    if (c.p < 1.0) CHECK(kept.sum().item<int64_t>() < 64 * 40);
  }
}

TEST_CASE("beam search: width 1 is greedy, beams are sorted and their scores are the model's log-probabilities") {
  auto p = tinyPrior();
  TokenSampling greedy;
  greedy.greedy = true;
  auto g = sampleTokens(*p, torch::tensor({2}, torch::kLong), 1, torch::Tensor(), greedy, 0);
  auto b1 = beamSearch(*p, 2, 1);
  REQUIRE(b1.size() == 1);
  CHECK(torch::equal(torch::tensor(b1[0].tokens, torch::kLong), g[0]));
  auto b4 = beamSearch(*p, 2, 4);
  REQUIRE(b4.size() == 4);
  for (size_t i = 0; i < b4.size(); ++i) {
    auto seq = torch::tensor(b4[i].tokens, torch::kLong).unsqueeze(0);
    double lp = sequenceLogProb(*p, torch::tensor({2}, torch::kLong), seq)[0].item<double>();
    CHECK(lp == doctest::Approx(b4[i].logProb).epsilon(1e-6));
    if (i > 0) CHECK(b4[i].logProb <= b4[i - 1].logProb);
    for (size_t j = 0; j < i; ++j) CHECK(b4[i].tokens != b4[j].tokens);
  }
  CHECK(b4[0].logProb >= b1[0].logProb - 1e-9);  // a wider beam never finds a worse best sequence
  CHECK_THROWS_AS(beamSearch(*p, 2, 0), BadInput);
}

TEST_CASE("token_sampling settings are validated with the field's name") {
  auto s = TokenSampling::fromJson({{"temperature", 0.8}, {"top_k", 0}, {"top_p", 0.95}}, "m.json: token_sampling");
  CHECK(s.temperature == 0.8);
  CHECK(s.topP == 0.95);
  CHECK_THROWS_WITH_AS(TokenSampling::fromJson({{"top_p", 1.5}}, "w"),
                       "w: field \"top_p\" must be a number in (0, 1] (1 = off)", BadInput);
  CHECK_THROWS_AS(TokenSampling::fromJson({{"temp", 1}}, "w"), BadInput);
}
