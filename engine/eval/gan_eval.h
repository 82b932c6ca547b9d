// Quality of a GAN bundle, judged by our own classifier as for diffusion models
// (engine/eval/diffusion_eval.h): class accuracy of class-conditional samples (equal numbers
// per class, classes interleaved) and the Frechet distance in the classifier's feature space
// to a test set, next to the same distance for as many held-out real images.
// The truncation trade-off: the same latents are evaluated at every psi in `truncations`
// (z scaled toward the prior mean 0 by psi, see truncateLatent), so rows differ only by psi.
// Latents are seeded per batch: a seed gives the same numbers. Checks the cancel token
// between batches. Runs on the calling thread; opens its own InferenceMode.
#pragma once
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/jobs/progress.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/gan_bundle.h"

namespace latentlab {

struct GanEvalOptions {
  int64_t count = 2000;  // samples per psi (a multiple of the class count for class models)
  std::vector<double> truncations = {1.0, 0.7, 0.5};
  int64_t batch = 500;
  uint64_t seed = 0;
};

struct GanEvalRow {
  double psi = 1.0;
  double classAccuracy = 0;              // conditional models only
  std::vector<double> perClassAccuracy;  // conditional models only
  double fdSamples = 0;                  // FD(samples, test)
};

struct GanEval {
  int64_t samples = 0;  // per row
  bool conditional = false;
  std::vector<GanEvalRow> rows;  // one per truncation, in the order asked
  int64_t testCount = 0, referenceCount = 0;
  double fdReference = 0;        // FD(held-out real images, test)
  double referenceAccuracy = 0;  // classifier accuracy on the held-out real images
  double seconds = 0;
};

// Throws BadInput when the classifier's image shape or classes do not fit the model,
// UsageError for bad options (count, batch, psi outside 0..1).
GanEval evaluateGan(GanBundle& gan, ClassifierBundle& classifier, const Dataset& test, const Dataset& reference,
                    const GanEvalOptions& opts, const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
