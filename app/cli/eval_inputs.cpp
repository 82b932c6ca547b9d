#include "app/cli/eval_inputs.h"

#include <cmath>

#include "app/bundled_models.h"

namespace latentlab::cli {

EvalInputs openEvalInputs(const EvalInputSpecs& s, torch::Device device) {
  EvalInputs in;
  in.classifier = loadClassifierBundle(s.classifier.empty() ? findBundledModel("fashion-classifier") : s.classifier, device);
  const auto& t = in.classifier->manifest.training;
  in.classifierAccuracy = t.is_object() && t.contains("test_accuracy") && t["test_accuracy"].is_number()
                              ? t["test_accuracy"].get<double>()
                              : std::nan("");
  DatasetOptions testOptions;
  testOptions.limit = s.limit;
  in.test = openDataset(s.data, testOptions);
  DatasetOptions referenceOptions;
  referenceOptions.limit = s.referenceCount > 0 ? s.referenceCount : s.sampleCount;
  in.reference = openDataset(s.reference, referenceOptions);
  return in;
}

}  // namespace latentlab::cli
