// What every sample-quality `eval` (diffusion, GAN, token model) judges with: the classifier
// (the bundled fashion-classifier unless --classifier names one), the held-out test images,
// and the real reference images the Frechet distance compares samples with (as many as the
// samples unless --reference-count says otherwise).
#pragma once
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/data/dataset.h"
#include "engine/models/conv_classifier.h"

namespace latentlab::cli {

struct EvalInputs {
  std::shared_ptr<ClassifierBundle> classifier;
  double classifierAccuracy;  // the test accuracy its bundle records; NaN when it has none
  Dataset test, reference;
};

struct EvalInputSpecs {
  std::string classifier;  // "" = the bundled one
  std::string data, reference;
  int64_t limit = 0;           // test images, 0 = all
  int64_t referenceCount = 0;  // 0 = sampleCount
  int64_t sampleCount = 0;
};

EvalInputs openEvalInputs(const EvalInputSpecs& s, torch::Device device);

// A number for --json, null when it is NaN or infinite (JSON has no NaN).
inline nlohmann::json numberOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace latentlab::cli
