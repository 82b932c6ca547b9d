// Samplers: one reverse-diffusion update rule each (DDPM, DDIM, Euler, DPM-Solver++ 2M),
// registered by name so the CLI, the GUI and the tests can loop over all of them.
// A sampler only does arithmetic on tensors it is given: it never calls the network, never
// draws random numbers itself (noise comes from the caller, so a run is reproducible and a
// test can inject the reference's noise), and works in the dtype of the sample.
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/diffusion/schedule.h"

namespace latentlab {

struct SamplerOptions {
  double eta = 0.0;  // DDIM: 0 = deterministic, 1 = DDPM-like noise
  // DDIM with clip_sample: epsilon recomputed from the clipped x0 (diffusers' step argument
  // use_clipped_model_output); a bundle turns it on in model.json "sampling".
  bool useClippedModelOutput = false;
};

struct SamplerStep {
  torch::Tensor prev;  // the sampler's state after the step (x_{t-1} in its own scaling)
  torch::Tensor x0;    // the predicted clean sample at this step
};

class Sampler {
 public:
  Sampler(const NoiseSchedule& schedule, const SamplerOptions& opts) : m_schedule(schedule), m_opts(opts) {}
  virtual ~Sampler() = default;

  // Chooses the timesteps for a run and forgets any multistep history.
  void setSteps(int numSteps);
  const std::vector<int64_t>& timesteps() const { return m_timesteps; }
  int numSteps() const { return int(m_timesteps.size()); }
  const NoiseSchedule& schedule() const { return m_schedule; }

  // x_T = standard normal noise * initNoiseScale().
  virtual double initNoiseScale() const { return 1.0; }
  // The network sees sample * modelInputScale(i) (1 for variance-preserving samplers).
  virtual double modelInputScale(int stepIndex) const { return 1.0; }
  // The same factor after the step: prev * scale is x_{t-1} in variance-preserving units.
  virtual double prevScale(int stepIndex) const { return 1.0; }
  // Whether step() uses its noise argument (for these options).
  virtual bool needsNoise() const { return false; }
  // One update from step i (timestep timesteps()[i]) towards the next. `noise` is standard
  // normal, shaped like sample; ignored unless needsNoise().
  virtual SamplerStep step(const torch::Tensor& modelOutput, int stepIndex, const torch::Tensor& sample,
                           const torch::Tensor& noise) = 0;

 protected:
  virtual void reset() {}
  // The timestep after step i; -1 after the last one (the clean sample, alpha_bar = 1).
  int64_t nextTimestep(int stepIndex) const;
  // x0 (and epsilon) from the model output per prediction_type, in VP units.
  torch::Tensor predictX0(const torch::Tensor& out, const torch::Tensor& xt, double alphaBar) const;
  torch::Tensor predictEpsilon(const torch::Tensor& out, const torch::Tensor& xt, double alphaBar) const;
  torch::Tensor clipIfConfigured(const torch::Tensor& x0) const;

  NoiseSchedule m_schedule;
  SamplerOptions m_opts;
  std::vector<int64_t> m_timesteps;
};

// The registry. Names: "ddpm", "ddim", "euler", "dpmpp-2m".
const std::vector<std::string>& samplerNames();
// Throws BadInput naming the valid samplers when `name` is unknown.
std::unique_ptr<Sampler> makeSampler(const std::string& name, const NoiseSchedule& schedule,
                                     const SamplerOptions& opts = {});

}  // namespace latentlab
