#include "app/cli/cmd_eval_gan.h"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/cli/eval_inputs.h"
#include "engine/data/resize.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

int runGanEval(const GanEvalCli& o) {
  setEngineThreads(o.engine.threads > 0 ? o.engine.threads : defaultEngineThreads());
  torch::Device device = pickDevice(o.engine.device);
  auto gan = loadGanBundle(o.model, device);
  EvalInputs in = openEvalInputs({o.classifier, o.data, o.reference, o.limit, o.referenceCount, o.eval.count}, device);
  // Data of another shape than a generator whose classifier fits it: point at the resize (when
  // the classifier does not fit the generator either, evaluateGan says that first).
  const ImageShape made{gan->manifest.image.channels, gan->manifest.image.height, gan->manifest.image.width};
  const ImageSpec& judged = in.classifier->manifest.image;
  if (made == ImageShape{judged.channels, judged.height, judged.width})
    for (const Dataset* d : {&in.test, &in.reference})
      if (shapeOf(*d) != made) throw BadInput(dataShapeMismatch(*d, made, o.model));
  GanEval e = evaluateGan(*gan, *in.classifier, in.test, in.reference, o.eval, o.progress);

  const Manifest& m = gan->manifest;
  auto className = [&](size_t c) { return c < m.classes.size() ? m.classes[c] : std::to_string(c); };
  if (o.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : e.rows) {
      nlohmann::json perClass = nlohmann::json::array();
      for (size_t c = 0; c < r.perClassAccuracy.size(); ++c)
        perClass.push_back({{"class", className(c)}, {"accuracy", r.perClassAccuracy[c]}});
      rows.push_back({{"truncation", r.psi},
                      {"class_accuracy", e.conditional ? nlohmann::json(r.classAccuracy) : nlohmann::json()},
                      {"per_class_accuracy", perClass},
                      {"fd_samples", r.fdSamples}});
    }
    nlohmann::json j = {{"model", gan->dir},
                        {"kind", "gan"},
                        {"classifier", in.classifier->dir},
                        {"classifier_test_accuracy", numberOrNull(in.classifierAccuracy)},
                        {"seed", o.eval.seed},
                        {"samples", e.samples},
                        {"truncations", rows},
                        {"test_data", o.data},
                        {"test_count", e.testCount},
                        {"reference_data", o.reference},
                        {"reference_count", e.referenceCount},
                        {"reference_accuracy", numberOrNull(e.referenceAccuracy)},
                        {"fd_reference", e.fdReference},
                        {"seconds", e.seconds}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s: %lld samples per truncation (seed %llu)\n", m.name.c_str(), (long long)e.samples,
              (unsigned long long)o.eval.seed);
  std::printf("judged by %s (test accuracy %.4f)\n", in.classifier->dir.c_str(), in.classifierAccuracy);
  std::printf("Frechet distance (classifier features) to %s, %lld images; truncation psi scales z toward 0\n",
              o.data.c_str(), (long long)e.testCount);
  std::printf("  %-6s  %-14s  %10s\n", "psi", "class accuracy", "FD");
  for (const auto& r : e.rows) {
    if (e.conditional) std::printf("  %-6.2f  %-14.4f  %10.4f\n", r.psi, r.classAccuracy, r.fdSamples);
    else std::printf("  %-6.2f  %-14s  %10.4f\n", r.psi, "n/a", r.fdSamples);
  }
  std::printf("  %lld real images (%s): FD %.4f, class accuracy %.4f\n", (long long)e.referenceCount,
              o.reference.c_str(), e.fdReference, e.referenceAccuracy);
  if (e.conditional) {
    for (const auto& r : e.rows) {
      std::printf("per class at psi %.2f:", r.psi);
      for (size_t c = 0; c < r.perClassAccuracy.size(); ++c)
        std::printf("%s%s %.3f", c % 5 ? ",  " : "\n    ", className(c).c_str(), r.perClassAccuracy[c]);
      std::printf("\n");
    }
  }
  std::printf("%.1f s\n", e.seconds);
  return 0;
}

}  // namespace latentlab::cli
