// Quality of a vq-autoregressive bundle, judged by our own classifier as for GANs and
// diffusion (engine/eval/gan_eval.h): for each sampling setting (temperature, top-k, top-p),
// `count` class-conditional samples (classes interleaved, equal numbers per class) are drawn
// with the KV-cached sampler and decoded; class accuracy and the Frechet distance in the
// classifier's feature space to a test set, next to held-out real images. Also the VQ-VAE's
// own numbers on the test set: reconstruction MSE and codebook perplexity / codes used.
// Every row uses the same seeds, so rows differ only by the setting. Runs on the calling
// thread; checks the cancel token between batches.
#pragma once
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/jobs/progress.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/vq_bundle.h"
#include "engine/tokens/token_sampling.h"

namespace latentlab {

struct TokenEvalOptions {
  int64_t count = 2000;  // samples per setting (a multiple of the class count)
  std::vector<TokenSampling> settings;  // empty: the bundle's recommended one
  int64_t batch = 500;
  uint64_t seed = 0;
};

struct TokenEvalRow {
  TokenSampling sampling;
  double classAccuracy = 0;
  std::vector<double> perClassAccuracy;
  double fdSamples = 0;
  double seconds = 0;
};

struct TokenEval {
  int64_t samples = 0;
  std::vector<TokenEvalRow> rows;
  int64_t testCount = 0, referenceCount = 0;
  double fdReference = 0, referenceAccuracy = 0;
  double reconMse = 0, perplexity = 0;  // the VQ-VAE on the test set
  int64_t codesUsed = 0;
  double seconds = 0;
};

// The VQ-VAE alone: MSE per pixel of encode -> decode, perplexity and codes used over all tokens.
void measureVqReconstruction(VqBundle& b, const Dataset& test, double& mse, double& perplexity, int64_t& codesUsed,
                             CancelToken cancel = {});

TokenEval evaluateTokens(VqBundle& b, ClassifierBundle& classifier, const Dataset& test, const Dataset& reference,
                         const TokenEvalOptions& opts, const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
