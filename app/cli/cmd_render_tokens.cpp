// `latentlab render tokens --model VQ_BUNDLE ...`: samples token grids with the transformer
// prior (temperature, top-k, top-p, greedy or beam search; flags left out take the bundle's
// recommended "token_sampling") and writes the decoded images as a PNG grid (and .npy), or
// with --steps each generation step as a strip per sample (tokens not yet sampled show the
// blank image's tokens). Only parses options and formats: the work is in engine/tokens.
#include <torch/torch.h>

#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy_tensor.h"
#include "engine/models/vq_bundle.h"
#include "engine/tokens/token_steps.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct RenderTokensOptions {
  std::string model, out, npy, tokensNpy, cls = "all";
  int count = 10, columns = 8, scale = 2, beam = 0;
  TokenSampling sampling;
  CLI::Option *temperature = nullptr, *topK = nullptr, *topP = nullptr;
  bool greedy = false, steps = false, labels = true;
  uint64_t seed = 1;
  EngineOptions engine;
};

torch::Tensor classesFor(const std::string& cls, int count, int numClasses) {
  if (numClasses == 0) {
    if (cls != "all" && cls != "none" && !cls.empty())
      throw UsageError("--class: this model is unconditional (it has no classes)");
    return torch::zeros({count}, torch::kLong);
  }
  if (cls == "all") {
    if (count % numClasses)
      throw UsageError("--class all needs --count to be a multiple of the " + std::to_string(numClasses) + " classes");
    return torch::arange(numClasses, torch::kLong).repeat_interleave(count / numClasses);
  }
  int c = -1;
  try {
    size_t used = 0;
    c = std::stoi(cls, &used);
    if (used != cls.size()) c = -1;
  } catch (const std::exception&) {
  }
  if (c < 0 || c >= numClasses)
    throw UsageError("--class must be all or a class index in 0.." + std::to_string(numClasses - 1) + " (got \"" +
                     cls + "\")");
  return torch::full({count}, c, torch::kLong);
}

int renderTokens(const RenderTokensOptions& given) {
  RenderTokensOptions o = given;
  setEngineThreads(o.engine.threads > 0 ? o.engine.threads : defaultEngineThreads());
  auto b = loadVqBundle(o.model, pickDevice(o.engine.device));
  if (!b->canSample())
    throw BadInput(o.model + ": this bundle has no prior (train one with `latentlab train prior --vq " + o.model + "`)");
  TokenSampling s = b->recommended;
  if (o.temperature->count()) s.temperature = o.sampling.temperature;
  if (o.topK->count()) s.topK = o.sampling.topK;
  if (o.topP->count()) s.topP = o.sampling.topP;
  if (o.greedy) s.greedy = true;
  if (!(s.topP > 0 && s.topP <= 1)) throw UsageError("--top-p must be in (0, 1]");
  if (s.temperature < 0) throw UsageError("--temperature must be >= 0 (0 = greedy)");
  auto classes = classesFor(o.cls, o.count, b->numClasses());
  const auto& cfg = b->vq->config();

  torch::InferenceMode guard;
  torch::Tensor tokens;
  std::vector<std::string> rowNotes(size_t(o.count));
  TokenSteps record(cfg.tokenCount());
  if (o.beam > 0) {
    // One beam search per distinct class; its best sequence for every sample of that class.
    tokens = torch::zeros({o.count, cfg.tokenCount()}, torch::kLong);
    for (int i = 0; i < o.count; ++i) {
      int64_t c = classes[i].item<int64_t>();
      if (i > 0 && classes[i - 1].item<int64_t>() == c) {
        tokens[i].copy_(tokens[i - 1]);
        rowNotes[size_t(i)] = rowNotes[size_t(i - 1)];
        continue;
      }
      auto beams = beamSearch(*b->prior, c, o.beam);
      tokens[i].copy_(torch::tensor(beams.front().tokens, torch::kLong));
      char note[48];
      std::snprintf(note, sizeof note, " logp %.1f", beams.front().logProb);
      rowNotes[size_t(i)] = note;
    }
  } else {
    tokens = sampleTokens(*b->prior, classes.to(b->device), o.count, torch::Tensor(), s, o.seed,
                          o.steps ? record.recorder() : TokenStepFn{});
  }
  auto images = b->decodeTokens(tokens).cpu();
  if (!o.npy.empty()) writeTensorNpy(o.npy, images.contiguous());
  if (!o.tokensNpy.empty()) writeTensorNpy(o.tokensNpy, tokens.view({o.count, cfg.tokensHigh(), cfg.tokensWide()}).contiguous());

  const auto& names = b->manifest.classes;
  auto label = [&](int i) {
    int64_t c = classes[i].item<int64_t>();
    std::string name = b->numClasses() == 0 ? "uncond" : size_t(c) < names.size() ? names[size_t(c)] : std::to_string(c);
    return name + rowNotes[size_t(i)];
  };
  GridOptions g;
  g.scale = o.scale;
  std::vector<Image> cells;
  if (o.steps && o.beam == 0) {
    // Columns: the grid after 0 .. all tokens, evenly chosen; unsampled tokens = the blank image's.
    const int len = cfg.tokenCount(), cols = std::max(2, std::min(o.columns, len + 1));
    auto blank = b->vq->encode(torch::zeros({1, cfg.imageChannels, cfg.imageHeight, cfg.imageWidth}, torch::kFloat)
                                   .to(b->device)).flatten().cpu();
    std::vector<int> after;
    for (int j = 0; j < cols; ++j) after.push_back(int(std::lround(double(j) * len / (cols - 1))));
    std::vector<std::vector<Image>> perCol;
    for (int a : after) perCol.push_back(tensorToImages(b->decodeTokens(record.partial(a, blank)).cpu()));
    for (int i = 0; i < o.count; ++i)
      for (int j = 0; j < cols; ++j) cells.push_back(perCol[size_t(j)][size_t(i)]);
    g.cols = cols;
    if (o.labels) {
      for (int a : after) g.colLabels.push_back(std::to_string(a) + " tok");
      for (int i = 0; i < o.count; ++i) g.rowLabels.push_back(label(i));
    }
  } else {
    cells = tensorToImages(images);
    g.cols = b->numClasses() > 0 && o.cls == "all" ? o.count / b->numClasses() : std::min(o.count, 10);
    if (o.labels && b->numClasses() > 0 && o.cls == "all")
      for (int c = 0; c < b->numClasses(); ++c) g.rowLabels.push_back(size_t(c) < names.size() ? names[size_t(c)] : std::to_string(c));
  }
  writeGridPng(cells, g, o.out);
  if (o.beam > 0)
    std::printf("wrote %s (%d samples, beam search width %d)\n", o.out.c_str(), o.count, o.beam);
  else if (s.greedy || s.temperature <= 0)
    std::printf("wrote %s (%d samples, greedy)\n", o.out.c_str(), o.count);
  else
    std::printf("wrote %s (%d samples, temperature %g, top-k %d, top-p %g, seed %llu)\n", o.out.c_str(), o.count,
                s.temperature, s.topK, s.topP, (unsigned long long)o.seed);
  return 0;
}

}  // namespace

void addRenderTokens(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto o = std::make_shared<RenderTokensOptions>();
  c->add_option("--model", o->model, "vq-autoregressive bundle folder")->required();
  c->add_option("--class", o->cls, "Class index, or all (count/classes per class, in class order)")->capture_default_str();
  c->add_option("--count", o->count, "Number of samples")->capture_default_str()->check(CLI::Range(1, 10000));
  o->temperature = c->add_option("--temperature", o->sampling.temperature,
                                 "Softmax temperature (0 = greedy; default: the model's)")->check(CLI::Range(0.0, 100.0));
  o->topK = c->add_option("--top-k", o->sampling.topK, "Keep the k most likely tokens (0 = off; default: the model's)")
                ->check(CLI::Range(0, 1000000));
  o->topP = c->add_option("--top-p", o->sampling.topP,
                          "Keep the smallest set of tokens with probability mass >= p (1 = off; default: the model's)")
                ->check(CLI::Range(0.0, 1.0));
  c->add_flag("--greedy", o->greedy, "Always take the most likely token");
  c->add_option("--beam", o->beam, "Beam search of this width (1-8) instead of sampling: the best beam per class")
      ->check(CLI::Range(1, 8));
  c->add_option("--seed", o->seed, "Random seed")->capture_default_str();
  c->add_flag("--steps", o->steps, "Write each generation step: one row per sample, columns after 0 .. all tokens");
  c->add_option("--columns", o->columns, "Columns of --steps")->capture_default_str()->check(CLI::Range(2, 1000));
  c->add_option("--scale", o->scale, "Pixel size of each image in the grid")->capture_default_str()->check(CLI::Range(1, 16));
  c->add_flag("!--no-labels", o->labels, "Leave out row and column labels");
  c->add_option("-o,--out", o->out, "Output PNG")->required();
  c->add_option("--npy", o->npy, "Also write the samples as float32 N x C x H x W in [0,1]");
  c->add_option("--tokens-npy", o->tokensNpy, "Also write the token grids as int64 N x rows x cols");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] { action = [o] { return renderTokens(*o); }; });
}

}  // namespace latentlab::cli
