// One sampling run: x_T -> x_0 through a sampler, a denoiser and optional guidance,
// reporting every step (for the live view, the CLI grid, the tests) and checking the
// cancel token between steps. Runs on the calling thread; the caller opens
// c10::InferenceMode / NoGradGuard (the GUI's worker, the CLI).
// Noise is reproducible: x_T and every step's noise come from one generator seeded by the
// caller, drawn on the CPU, so a seed gives the same run on every device.
#pragma once
#include <torch/types.h>

#include <functional>
#include <vector>

#include "engine/diffusion/sampler.h"
#include "engine/models/denoiser.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct DenoiseStepInfo {
  int index = 0;          // 0-based step index
  int steps = 0;          // steps in the run
  int64_t timestep = 0;   // the timestep the step started from
  torch::Tensor sample;   // the sampler's state after the step (its own scaling)
  torch::Tensor xt;       // the same in variance-preserving units (what a model would see)
  torch::Tensor x0;       // the predicted clean sample
};

using StepFn = std::function<void(const DenoiseStepInfo&)>;
// Standard normal noise for step i, shaped like `like` (same dtype and device).
using NoiseFn = std::function<torch::Tensor(int stepIndex, const torch::Tensor& like)>;

// Seeded noise: initialNoise() then step noise, from one CPU generator.
class SeededNoise {
 public:
  explicit SeededNoise(uint64_t seed);
  torch::Tensor draw(std::vector<int64_t> shape, const torch::TensorOptions& like);
  NoiseFn stepNoise();

 private:
  at::Generator m_gen;
};

struct DenoiseRun {
  double guidance = 1.0;
  torch::Tensor classes;  // N int64, num_classes = null class; undefined = unconditional
  int startIndex = 0;     // resume a recorded run: `start` is the sampler state before this step
  StepFn onStep;
  NoiseFn noise;          // required when the sampler needsNoise()
  CancelToken cancel;
};

// `start`: the sampler's state before step startIndex (for a fresh run: standard normal
// noise * sampler.initNoiseScale()). sampler.setSteps() must have been called.
// Returns the final sample (x_0).
torch::Tensor runDenoise(Denoiser& denoiser, Sampler& sampler, const torch::Tensor& start, const DenoiseRun& run);

}  // namespace latentlab
