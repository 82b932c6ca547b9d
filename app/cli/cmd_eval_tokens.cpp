#include "app/cli/cmd_eval_tokens.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/cli/eval_inputs.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab::cli {

void addTokenEvalOptions(CLI::App* c, TokenEvalCli& o) {
  const char* g = "Token models (vq-autoregressive)";
  c->add_option("--temperature", o.temperatures, "Temperatures (comma separated; default: the model's)")
      ->delimiter(',')->group(g);
  c->add_option("--top-k", o.topKs, "top-k values, 0 = off (comma separated; default: the model's)")
      ->delimiter(',')->group(g);
  c->add_option("--top-p", o.topPs, "top-p values in (0, 1], 1 = off (comma separated; default: the model's)")
      ->delimiter(',')->group(g);
}

bool isTokenBundle(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir + "/model.json", ec)) return false;
  try {
    auto j = readJsonFile(dir + "/model.json");
    return j.is_object() && j.value("kind", std::string()) == "vq-autoregressive";
  } catch (const std::exception&) {
    return false;
  }
}

int runTokenEval(const TokenEvalCli& o) {
  setEngineThreads(o.engine.threads > 0 ? o.engine.threads : defaultEngineThreads());
  torch::Device device = pickDevice(o.engine.device);
  auto b = loadVqBundle(o.model, device);
  EvalInputs in = openEvalInputs({o.classifier, o.data, o.reference, o.limit, o.referenceCount, o.count}, device);

  TokenEvalOptions e;
  e.count = o.count, e.batch = o.batch, e.seed = o.seed;
  const TokenSampling r = b->recommended;
  std::vector<double> temps = o.temperatures.empty() ? std::vector<double>{r.temperature} : o.temperatures;
  std::vector<int> ks = o.topKs.empty() ? std::vector<int>{r.topK} : o.topKs;
  std::vector<double> ps = o.topPs.empty() ? std::vector<double>{r.topP} : o.topPs;
  for (double t : temps)
    for (int k : ks)
      for (double p : ps) {
        if (t < 0) throw UsageError("eval: --temperature values must be >= 0");
        if (k < 0) throw UsageError("eval: --top-k values must be >= 0");
        if (!(p > 0 && p <= 1)) throw UsageError("eval: --top-p values must be in (0, 1]");
        TokenSampling s;
        s.temperature = t, s.topK = k, s.topP = p;
        e.settings.push_back(s);
      }
  TokenEval res = evaluateTokens(*b, *in.classifier, in.test, in.reference, e, o.progress);

  const Manifest& m = b->manifest;
  auto className = [&](size_t c) { return c < m.classes.size() ? m.classes[c] : std::to_string(c); };
  if (o.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : res.rows) {
      nlohmann::json perClass = nlohmann::json::array();
      for (size_t c = 0; c < row.perClassAccuracy.size(); ++c)
        perClass.push_back({{"class", className(c)}, {"accuracy", row.perClassAccuracy[c]}});
      rows.push_back({{"temperature", row.sampling.temperature},
                      {"top_k", row.sampling.topK},
                      {"top_p", row.sampling.topP},
                      {"class_accuracy", row.classAccuracy},
                      {"per_class_accuracy", perClass},
                      {"fd_samples", row.fdSamples},
                      {"seconds", row.seconds}});
    }
    nlohmann::json j = {{"model", b->dir},
                        {"kind", "vq-autoregressive"},
                        {"classifier", in.classifier->dir},
                        {"seed", o.seed},
                        {"samples", res.samples},
                        {"settings", rows},
                        {"recommended", r.toJson()},
                        {"vq_test_mse", res.reconMse},
                        {"vq_test_perplexity", res.perplexity},
                        {"vq_codes_used", res.codesUsed},
                        {"codebook_size", b->vq->config().codebookSize},
                        {"test_data", o.data},
                        {"test_count", res.testCount},
                        {"reference_data", o.reference},
                        {"reference_count", res.referenceCount},
                        {"reference_accuracy", res.referenceAccuracy},
                        {"fd_reference", res.fdReference},
                        {"seconds", res.seconds}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s: %lld samples per setting (seed %llu), judged by %s\n", m.name.c_str(), (long long)res.samples,
              (unsigned long long)o.seed, in.classifier->dir.c_str());
  std::printf("VQ-VAE on %s (%lld images): reconstruction MSE/pixel %.5f, codebook perplexity %.1f, %lld of %d codes used\n",
              o.data.c_str(), (long long)res.testCount, res.reconMse, res.perplexity, (long long)res.codesUsed,
              b->vq->config().codebookSize);
  std::printf("  %-11s  %-5s  %-5s  %-14s  %10s\n", "temperature", "top-k", "top-p", "class accuracy", "FD");
  for (const auto& row : res.rows)
    std::printf("  %-11.2f  %-5d  %-5.2f  %-14.4f  %10.4f\n", row.sampling.temperature, row.sampling.topK,
                row.sampling.topP, row.classAccuracy, row.fdSamples);
  std::printf("  %lld real images (%s): FD %.4f, class accuracy %.4f\n", (long long)res.referenceCount,
              o.reference.c_str(), res.fdReference, res.referenceAccuracy);
  for (const auto& row : res.rows) {
    std::printf("per class at T %.2f, k %d, p %.2f:", row.sampling.temperature, row.sampling.topK, row.sampling.topP);
    for (size_t c = 0; c < row.perClassAccuracy.size(); ++c)
      std::printf("%s%s %.3f", c % 5 ? ",  " : "\n    ", className(c).c_str(), row.perClassAccuracy[c]);
    std::printf("\n");
  }
  std::printf("%.1f s\n", res.seconds);
  return 0;
}

}  // namespace latentlab::cli
