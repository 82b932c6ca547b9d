// DDPM ancestral sampling (Ho et al. 2020, eq. 6-7), as diffusers' DDPMScheduler with
// variance_type "fixed_small": the posterior q(x_{t-1} | x_t, x0) with x0 predicted, and
// noise of the posterior's variance. Works for any step count by using the alpha_bar of
// the next chosen timestep.
#include <cmath>

#include "engine/diffusion/samplers_builtin.h"

namespace latentlab {

namespace {

class DdpmSampler : public Sampler {
 public:
  using Sampler::Sampler;
  bool needsNoise() const override { return true; }

  SamplerStep step(const torch::Tensor& out, int i, const torch::Tensor& xt, const torch::Tensor& noise) override {
    const double a = m_schedule.alphaBar(m_timesteps[size_t(i)]);
    const int64_t prevT = nextTimestep(i);
    const double aPrev = m_schedule.alphaBar(prevT);
    const double alphaStep = a / aPrev, betaStep = 1 - alphaStep;
    auto x0 = clipIfConfigured(predictX0(out, xt, a));
    auto mean = (std::sqrt(aPrev) * betaStep / (1 - a)) * x0 + (std::sqrt(alphaStep) * (1 - aPrev) / (1 - a)) * xt;
    if (prevT < 0) return {mean, x0};  // the last step lands on the clean sample
    double variance = std::max((1 - aPrev) / (1 - a) * betaStep, 1e-20);
    return {mean + std::sqrt(variance) * noise, x0};
  }
};

}  // namespace

std::unique_ptr<Sampler> makeDdpmSampler(const NoiseSchedule& s, const SamplerOptions& o) {
  return std::make_unique<DdpmSampler>(s, o);
}

}  // namespace latentlab
