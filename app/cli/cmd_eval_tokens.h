// `latentlab eval --model VQ_BUNDLE`: the vq-autoregressive half of `eval` (cmd_eval.cpp
// dispatches here by kind). Class accuracy and Frechet distance of class-conditional samples
// for every combination of the given temperatures, top-k and top-p values (none given: the
// bundle's recommended setting), next to held-out real images; and the VQ-VAE's test
// reconstruction MSE and codebook perplexity. Only formats: the work is in engine/eval/token_eval.
#pragma once
#include <string>
#include <vector>

#include "app/cli/cli_common.h"
#include "engine/eval/token_eval.h"

namespace latentlab::cli {

struct TokenEvalCli {
  std::vector<double> temperatures, topPs;
  std::vector<int> topKs;
  // Filled from eval's shared options by cmd_eval.cpp:
  std::string model, data, classifier, reference;
  int64_t limit = 0, referenceCount = 0, count = 2000, batch = 500;
  uint64_t seed = 0;
  bool json = false;
  EngineOptions engine;
  ProgressFn progress;
};

void addTokenEvalOptions(CLI::App* cmd, TokenEvalCli& o);
bool isTokenBundle(const std::string& dir);  // model.json says kind "vq-autoregressive"
int runTokenEval(const TokenEvalCli& o);

}  // namespace latentlab::cli
