// Quality of a diffusion or latent-diffusion model, judged by our own classifier:
//  - class accuracy: class-conditional samples (equal numbers per class, classes
//    interleaved) classified by the classifier; the fraction labelled as asked;
//  - Frechet distance in the classifier's penultimate feature space between the samples and
//    a test set, printed next to the same distance for as many held-out real images (the
//    floor a perfect generator would reach at that sample size).
// Samples are drawn batch by batch and never kept; noise is seeded per batch, so a seed
// gives the same numbers. Checks the cancel token between batches and sampler steps.
// Runs on the calling thread; opens its own InferenceMode.
#pragma once
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/models/conv_classifier.h"
#include "engine/eval/frechet.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct DiffusionEvalOptions {
  int64_t count = 2000;  // generated samples (a multiple of the class count for class models)
  std::string sampler = "ddim";
  int steps = 50;
  double eta = 0.0;
  int clippedModelOutput = -1;  // DDIM: -1 = as the bundle says (model.json "sampling"), 0 off, 1 on
  double guidance = 3.0;
  int64_t batch = 250;
  uint64_t seed = 0;
};

struct DiffusionEval {
  int64_t samples = 0;
  bool conditional = false;
  double classAccuracy = 0;              // conditional models only
  std::vector<double> perClassAccuracy;  // conditional models only
  int64_t testCount = 0, referenceCount = 0;
  double fdSamples = 0;          // FD(samples, test)
  double fdReference = 0;        // FD(held-out real images, test)
  double referenceAccuracy = 0;  // classifier accuracy on the held-out real images
  double seconds = 0;
};

// `test`: the images the distances are measured against; `reference`: held-out real images
// (labels optional). Throws BadInput when the classifier's image shape or classes do not
// fit the model or the data, UsageError for bad options.
DiffusionEval evaluateDiffusion(DiffusionModel& model, ClassifierBundle& classifier,
                                const Dataset& test, const Dataset& reference,
                                const DiffusionEvalOptions& opts, const ProgressFn& progress = {},
                                CancelToken cancel = {});

// A data set's images through the classifier, batch by batch: the Gaussian of their
// features and, when the data has labels, the classifier's accuracy on them (else NaN).
struct ClassifiedData {
  GaussianStats stats;
  double accuracy = 0;
};
ClassifiedData classifyDataset(ClassifierBundle& classifier, const Dataset& data,
                               const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
