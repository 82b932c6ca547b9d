#include "engine/eval/gan_eval.h"

#include <torch/torch.h>

#include <chrono>

#include "engine/data/image_tensor.h"
#include "engine/eval/diffusion_eval.h"
#include "engine/eval/frechet.h"
#include "engine/util/errors.h"

namespace latentlab {

GanEval evaluateGan(GanBundle& gan, ClassifierBundle& classifier, const Dataset& test, const Dataset& reference,
                    const GanEvalOptions& o, const ProgressFn& progress, CancelToken cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  const Manifest& m = gan.manifest;
  const int numClasses = gan.numClasses();
  if (o.count < 2) throw UsageError("eval: --count must be at least 2 (a covariance needs two samples)");
  if (o.batch < 1) throw UsageError("eval: --batch must be at least 1");
  if (o.truncations.empty()) throw UsageError("eval: give at least one truncation psi");
  for (double psi : o.truncations)
    if (!(psi >= 0 && psi <= 1)) throw UsageError("eval: truncation psi must be in 0..1");
  const ImageSpec& im = classifier.manifest.image;
  if (im.channels != m.image.channels || im.height != m.image.height || im.width != m.image.width)
    throw BadInput(m.name + ": images are " + std::to_string(m.image.channels) + " x " + std::to_string(m.image.height) +
                   " x " + std::to_string(m.image.width) + ", the classifier " + classifier.dir + " takes " +
                   std::to_string(im.channels) + " x " + std::to_string(im.height) + " x " + std::to_string(im.width));
  if (numClasses > 0) {
    if (numClasses != classifier.model->config().numClasses)
      throw BadInput(classifier.dir + ": the classifier knows " + std::to_string(classifier.model->config().numClasses) +
                     " classes, the model " + std::to_string(numClasses));
    if (!m.classes.empty() && !classifier.manifest.classes.empty() && m.classes != classifier.manifest.classes)
      throw BadInput(classifier.dir + ": the classifier's class names differ from the model's (another data set?)");
    if (o.count % numClasses)
      throw UsageError("eval: --count must be a multiple of the " + std::to_string(numClasses) +
                       " classes (equal samples per class)");
  }

  GanEval res;
  res.samples = o.count;
  res.conditional = numClasses > 0;
  const size_t rows = o.truncations.size(), k = size_t(std::max(numClasses, 1));
  std::vector<FeatureMoments> moments(rows);
  std::vector<std::vector<int64_t>> hits(rows, std::vector<int64_t>(k, 0));
  std::vector<int64_t> asked(k, 0);
  {
    torch::InferenceMode guard;
    for (int64_t b0 = 0; b0 < o.count; b0 += o.batch) {
      const int64_t n = std::min(o.batch, o.count - b0);
      auto z = gan.sampleLatents(n, o.seed * 1000003 + uint64_t(b0));
      torch::Tensor classes;
      // Classes interleaved (0, 1, .., K-1, 0, ..) so every batch holds every class.
      if (numClasses > 0) {
        classes = torch::arange(b0, b0 + n, torch::kLong).remainder(numClasses);
        for (int64_t i = 0; i < n; ++i) ++asked[size_t((b0 + i) % numClasses)];
      }
      for (size_t r = 0; r < rows; ++r) {
        cancel.throwIfCancelled();
        auto x = gan.generate(z, classes, o.truncations[r]);
        checkFinite(x, m.name + ": the generated images");
        auto f = classifier.model->features(x.to(classifier.device, torch::kFloat));
        moments[r].add(f);
        if (classes.defined()) {
          auto ok = classifier.model->logitsFrom(f).argmax(1).cpu().eq(classes);
          auto okA = ok.accessor<bool, 1>();
          for (int64_t i = 0; i < n; ++i) hits[r][size_t((b0 + i) % numClasses)] += okA[i] ? 1 : 0;
        }
      }
      if (progress) {
        Progress p;
        p.step = b0 + n, p.steps = o.count, p.message = "sampling";
        progress(p);
      }
    }
  }
  auto testData = classifyDataset(classifier, test, progress, cancel);
  auto refData = classifyDataset(classifier, reference, progress, cancel);
  for (size_t r = 0; r < rows; ++r) {
    GanEvalRow row;
    row.psi = o.truncations[r];
    if (res.conditional) {
      int64_t total = 0;
      for (size_t c = 0; c < k; ++c) {
        total += hits[r][c];
        row.perClassAccuracy.push_back(asked[c] ? double(hits[r][c]) / double(asked[c]) : 0.0);
      }
      row.classAccuracy = double(total) / double(o.count);
    }
    row.fdSamples = frechetDistance(moments[r].stats(), testData.stats);
    res.rows.push_back(row);
  }
  res.testCount = test.count;
  res.referenceCount = reference.count;
  res.referenceAccuracy = refData.accuracy;
  res.fdReference = frechetDistance(refData.stats, testData.stats);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace latentlab
