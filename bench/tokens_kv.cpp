// Bench (issue 15): what the key/value cache buys when sampling a token grid. Times, at batch 1
// on one intra-op thread, (a) drawing all 49 tokens with the KV cache (sampleTokens, what
// `render tokens` and the Tokens view use), (b) the same draw recomputing the whole prefix at
// every token (prior.forward on 1..49 positions), (c) one forward pass over the full sequence,
// and (d) one cached step alone. Both ways draw the same tokens (same generator; checked).
// Built and run by bench/tokens_kv.sh against the project's engine library; not part of CI.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/models/vq_bundle.h"
#include "engine/tokens/token_sampling.h"

using namespace latentlab;

namespace {
double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}
template <typename F>
std::vector<double> timeIt(int reps, F f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    double a = nowMs();
    f(i);
    t.push_back(nowMs() - a);
  }
  std::sort(t.begin(), t.end());
  return t;
}
double median(const std::vector<double>& t) { return t[t.size() / 2]; }
}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "assets/models/fashion-vq";
  const int reps = argc > 2 ? std::stoi(argv[2]) : 30;
  torch::set_num_threads(1);
  torch::InferenceMode guard;
  auto b = loadVqBundle(dir);
  TokenPriorImpl& prior = *b->prior;
  const int64_t L = prior.config().length;
  TokenSampling s = b->recommended;
  auto cls = torch::tensor({int64_t(7)});

  // (b) the plain path: every token recomputes the whole prefix.
  auto recompute = [&](uint64_t seed) {
    auto gen = at::detail::createCPUGenerator(seed);
    auto out = torch::zeros({1, L}, torch::kLong);
    for (int64_t j = 0; j < L; ++j) {
      auto logits = prior.forward(cls, out.slice(1, 0, j)).select(1, j);
      out.select(1, j).copy_(chooseTokens(logits, s, gen));
    }
    return out;
  };
  for (int i = 0; i < 3; ++i) sampleTokens(prior, cls, 1, {}, s, 100 + i), recompute(100 + i);  // warm-up

  int same = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) same += torch::equal(sampleTokens(prior, cls, 1, {}, s, seed), recompute(seed));

  auto cached = timeIt(reps, [&](int i) { sampleTokens(prior, cls, 1, {}, s, uint64_t(i)); });
  auto full = timeIt(reps, [&](int i) { recompute(uint64_t(i)); });
  auto tokens = sampleTokens(prior, cls, 1, {}, s, 1);
  auto oneForward = timeIt(reps * 4, [&](int) { prior.forward(cls, tokens.slice(1, 0, L - 1)); });
  // (d) one cached step at the middle of the grid, on a fresh cache each time.
  std::vector<double> oneStep;
  for (int r = 0; r < reps * 4; ++r) {
    TokenKvCache c;
    prior.start(c, cls, 1);
    for (int64_t j = 0; j + 1 < L / 2; ++j) prior.step(c, tokens.select(1, j));
    double a = nowMs();
    prior.step(c, tokens.select(1, L / 2 - 1));
    oneStep.push_back(nowMs() - a);
  }
  std::sort(oneStep.begin(), oneStep.end());
  const double c = median(cached), f = median(full), fw = median(oneForward), st = median(oneStep);
  std::printf("fashion-vq prior (%lld parameters), batch 1, 1 thread, %d runs each, medians:\n",
              (long long)[&] {
                int64_t n = 0;
                for (auto& p : prior.parameters()) n += p.numel();
                return n;
              }(),
              reps);
  std::printf("  49 tokens with the KV cache:      %8.2f ms  (%.3f ms per token)\n", c, c / double(L));
  std::printf("  49 tokens recomputing the prefix: %8.2f ms  (%.3f ms per token)  %.1fx the cached time\n", f,
              f / double(L), f / c);
  std::printf("  one forward pass, 49 positions:   %8.3f ms\n", fw);
  std::printf("  one cached step (position %lld):   %8.3f ms\n", (long long)(L / 2), st);
  std::printf("  cached cost per token = %.2f x one cached step = %.2f x one full forward pass\n", c / double(L) / st,
              c / double(L) / fw);
  std::printf("  same tokens both ways: %d of 5 seeds\n", same);
  return same == 5 ? 0 : 1;
}
