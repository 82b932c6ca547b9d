#include "engine/eval/diffusion_eval.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "engine/data/image_tensor.h"
#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/sampler.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

void checkImageFits(const ClassifierBundle& c, int channels, int height, int width,
                    const std::string& what) {
  const ImageSpec& im = c.manifest.image;
  if (im.channels != channels || im.height != height || im.width != width)
    throw BadInput(what + ": images are " + std::to_string(channels) + " x " +
                   std::to_string(height) + " x " + std::to_string(width) + ", the classifier " +
                   c.dir + " takes " + std::to_string(im.channels) + " x " +
                   std::to_string(im.height) + " x " + std::to_string(im.width));
}

void report(const ProgressFn& progress, int64_t done, int64_t total, const std::string& message) {
  if (!progress) return;
  Progress p;
  p.step = done, p.steps = total, p.message = message;
  progress(p);
}

}  // namespace

ClassifiedData classifyDataset(ClassifierBundle& classifier, const Dataset& data,
                               const ProgressFn& progress, CancelToken cancel) {
  checkImageFits(classifier, data.channels, data.height, data.width, data.spec);
  torch::InferenceMode guard;
  FeatureMoments moments;
  int64_t hits = 0;
  const int64_t batch = 500;
  for (int64_t i = 0; i < data.count; i += batch) {
    cancel.throwIfCancelled();
    const int64_t end = std::min(data.count, i + batch);
    auto x = datasetToTensor(data, i, end).to(classifier.device);
    auto f = classifier.model->features(x);
    moments.add(f);
    if (!data.labels.empty()) {
      auto labels = torch::tensor(
          std::vector<int64_t>(data.labels.begin() + i, data.labels.begin() + end), torch::kLong);
      hits += classifier.model->logitsFrom(f).argmax(1).cpu().eq(labels).sum().item<int64_t>();
    }
    report(progress, end, data.count, "classifying " + data.spec);
  }
  ClassifiedData out;
  out.stats = moments.stats();
  out.accuracy = data.labels.empty() ? std::numeric_limits<double>::quiet_NaN()
                                     : double(hits) / double(data.count);
  return out;
}

DiffusionEval evaluateDiffusion(DiffusionModel& model, ClassifierBundle& classifier,
                                const Dataset& test, const Dataset& reference,
                                const DiffusionEvalOptions& o, const ProgressFn& progress,
                                CancelToken cancel) {
  auto t0 = std::chrono::steady_clock::now();
  const Manifest& m = model.manifest();
  const int numClasses = model.numClasses();
  if (o.count < 2)
    throw UsageError("eval: --count must be at least 2 (a covariance needs two samples)");
  if (o.batch < 1) throw UsageError("eval: --batch must be at least 1");
  if (o.steps < 1 || o.steps > model.schedule().numTrainTimesteps())
    throw UsageError("eval: --steps must be in 1.." +
                     std::to_string(model.schedule().numTrainTimesteps()));
  checkImageFits(classifier, m.image.channels, m.image.height, m.image.width, m.name);
  const int classifierClasses = classifier.model->config().numClasses;
  if (numClasses > 0) {
    if (numClasses != classifierClasses)
      throw BadInput(classifier.dir + ": the classifier knows " +
                     std::to_string(classifierClasses) + " classes, the model " +
                     std::to_string(numClasses));
    if (!m.classes.empty() && !classifier.manifest.classes.empty() &&
        m.classes != classifier.manifest.classes)
      throw BadInput(classifier.dir +
                     ": the classifier's class names differ from the model's (another data set?)");
    if (o.count % numClasses)
      throw UsageError("eval: --count must be a multiple of the " + std::to_string(numClasses) +
                       " classes (equal samples per class)");
  }

  DiffusionEval res;
  res.samples = o.count;
  res.conditional = numClasses > 0;
  auto sampler = makeSampler(o.sampler, model.schedule(), model.samplerOptions(o.eta, o.clippedModelOutput));
  FeatureMoments generated;
  std::vector<int64_t> hits(size_t(std::max(numClasses, 1)), 0), asked(hits.size(), 0);
  {
    torch::InferenceMode guard;
    for (int64_t b0 = 0; b0 < o.count; b0 += o.batch) {
      cancel.throwIfCancelled();
      const int64_t n = std::min(o.batch, o.count - b0);
      sampler->setSteps(o.steps);  // also clears multistep history between batches
      SeededNoise noise(o.seed * 1000003 + uint64_t(b0));
      std::vector<int64_t> shape = {n};
      for (auto d : model.sampleShape()) shape.push_back(d);
      auto start = noise.draw(shape, torch::TensorOptions(torch::kFloat).device(model.device())) *
                   sampler->initNoiseScale();
      DenoiseRun run;
      run.guidance = o.guidance;
      torch::Tensor classes;
      // Classes interleaved (0, 1, .., K-1, 0, ..) so every batch holds every class.
      if (numClasses > 0) classes = torch::arange(b0, b0 + n, torch::kLong).remainder(numClasses);
      if (classes.defined()) run.classes = classes.to(model.device());
      run.noise = noise.stepNoise();
      run.cancel = cancel;
      run.onStep = [&](const DenoiseStepInfo& s) {
        report(progress, b0 + n * (s.index + 1) / s.steps, o.count, "sampling");
      };
      auto x = runDenoise(model.denoiser(), *sampler, start, run);
      checkFinite(x, m.name + ": the sampled values");
      auto images = model.toImages(x).to(classifier.device, torch::kFloat);
      auto f = classifier.model->features(images);
      generated.add(f);
      if (classes.defined()) {
        auto predicted = classifier.model->logitsFrom(f).argmax(1).cpu();
        auto ok = predicted.eq(classes);
        for (int64_t i = 0; i < n; ++i) {
          auto c = size_t(classes[i].item<int64_t>());
          ++asked[c];
          hits[c] += ok[i].item<bool>() ? 1 : 0;
        }
      }
    }
  }
  if (res.conditional) {
    int64_t total = 0;
    for (size_t c = 0; c < hits.size(); ++c) {
      total += hits[c];
      res.perClassAccuracy.push_back(asked[c] ? double(hits[c]) / double(asked[c]) : 0.0);
    }
    res.classAccuracy = double(total) / double(o.count);
  }

  auto testData = classifyDataset(classifier, test, progress, cancel);
  auto refData = classifyDataset(classifier, reference, progress, cancel);
  res.testCount = test.count;
  res.referenceCount = reference.count;
  res.referenceAccuracy = refData.accuracy;
  res.fdSamples = frechetDistance(generated.stats(), testData.stats);
  res.fdReference = frechetDistance(refData.stats, testData.stats);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace latentlab
