#include "engine/eval/token_eval.h"

#include <torch/torch.h>

#include <chrono>

#include "engine/data/image_tensor.h"
#include "engine/eval/diffusion_eval.h"
#include "engine/eval/frechet.h"
#include "engine/util/errors.h"

namespace latentlab {

void measureVqReconstruction(VqBundle& b, const Dataset& test, double& mse, double& perplexity, int64_t& codesUsed,
                             CancelToken cancel) {
  torch::InferenceMode guard;
  double se = 0;
  std::vector<torch::Tensor> all;
  for (int64_t i = 0; i < test.count; i += 500) {
    cancel.throwIfCancelled();
    auto x = datasetToTensor(test, i, std::min(test.count, i + 500)).to(b.device);
    auto idx = b.vq->encode(x);
    se += (b.vq->decode(idx) - x).pow(2).sum().item<double>();
    all.push_back(idx.flatten().cpu());
  }
  const int k = b.vq->config().codebookSize;
  auto idx = all.empty() ? torch::zeros({0}, torch::kLong) : torch::cat(all);
  const double pixels = double(test.count) * test.channels * test.height * test.width;
  mse = pixels > 0 ? se / pixels : 0.0;
  perplexity = codebookPerplexity(idx, k);
  codesUsed = torch::bincount(idx, {}, k).gt(0).sum().item<int64_t>();
}

TokenEval evaluateTokens(VqBundle& b, ClassifierBundle& classifier, const Dataset& test, const Dataset& reference,
                         const TokenEvalOptions& o, const ProgressFn& progress, CancelToken cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  const Manifest& m = b.manifest;
  if (!b.canSample()) throw BadInput(b.dir + ": this bundle has no prior (train one with `latentlab train prior --vq`)");
  const int numClasses = b.numClasses();
  if (o.count < 2) throw UsageError("eval: --count must be at least 2 (a covariance needs two samples)");
  if (o.batch < 1) throw UsageError("eval: --batch must be at least 1");
  const ImageSpec& im = classifier.manifest.image;
  if (im.channels != m.image.channels || im.height != m.image.height || im.width != m.image.width)
    throw BadInput(m.name + ": images differ in size from what the classifier " + classifier.dir + " takes");
  if (numClasses > 0) {
    if (numClasses != classifier.model->config().numClasses)
      throw BadInput(classifier.dir + ": the classifier knows " + std::to_string(classifier.model->config().numClasses) +
                     " classes, the model " + std::to_string(numClasses));
    if (o.count % numClasses)
      throw UsageError("eval: --count must be a multiple of the " + std::to_string(numClasses) +
                       " classes (equal samples per class)");
  }
  std::vector<TokenSampling> settings = o.settings.empty() ? std::vector<TokenSampling>{b.recommended} : o.settings;

  TokenEval res;
  res.samples = o.count;
  const size_t k = size_t(std::max(numClasses, 1));
  std::vector<GaussianStats> stats;
  for (const TokenSampling& s : settings) {
    const auto r0 = std::chrono::steady_clock::now();
    FeatureMoments moments;
    std::vector<int64_t> hits(k, 0), asked(k, 0);
    for (int64_t b0 = 0; b0 < o.count; b0 += o.batch) {
      const int64_t n = std::min(o.batch, o.count - b0);
      torch::InferenceMode guard;
      torch::Tensor classes = torch::arange(b0, b0 + n, torch::kLong).remainder(std::max(numClasses, 1));
      auto tokens = sampleTokens(*b.prior, classes.to(b.device), n, torch::Tensor(), s,
                                 o.seed * 1000003 + uint64_t(b0), {}, cancel);
      auto x = b.decodeTokens(tokens);
      checkFinite(x, m.name + ": the decoded samples");
      auto f = classifier.model->features(x.to(classifier.device, torch::kFloat));
      moments.add(f);
      auto ok = classifier.model->logitsFrom(f).argmax(1).cpu().eq(classes);
      auto okA = ok.accessor<bool, 1>();
      for (int64_t i = 0; i < n; ++i) {
        const size_t c = size_t((b0 + i) % int64_t(k));
        ++asked[c];
        hits[c] += okA[i] ? 1 : 0;
      }
      if (progress) {
        Progress p;
        p.step = b0 + n, p.steps = o.count, p.message = "sampling";
        progress(p);
      }
    }
    TokenEvalRow row;
    row.sampling = s;
    int64_t total = 0;
    for (size_t c = 0; c < k; ++c) {
      total += hits[c];
      row.perClassAccuracy.push_back(asked[c] ? double(hits[c]) / double(asked[c]) : 0.0);
    }
    row.classAccuracy = double(total) / double(o.count);
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count();
    res.rows.push_back(row);
    stats.push_back(moments.stats());
  }
  auto testData = classifyDataset(classifier, test, progress, cancel);
  auto refData = classifyDataset(classifier, reference, progress, cancel);
  for (size_t r = 0; r < res.rows.size(); ++r) res.rows[r].fdSamples = frechetDistance(stats[r], testData.stats);
  res.testCount = test.count;
  res.referenceCount = reference.count;
  res.referenceAccuracy = refData.accuracy;
  res.fdReference = frechetDistance(refData.stats, testData.stats);
  measureVqReconstruction(b, test, res.reconMse, res.perplexity, res.codesUsed, cancel);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace latentlab
