// DDIM (Song et al. 2021, eq. 12), as diffusers' DDIMScheduler with set_alpha_to_one and
// its step argument use_clipped_model_output (SamplerOptions): eta = 0 is deterministic,
// eta = 1 has DDPM's variance.
#include <cmath>

#include "engine/diffusion/samplers_builtin.h"

namespace latentlab {

namespace {

class DdimSampler : public Sampler {
 public:
  using Sampler::Sampler;
  bool needsNoise() const override { return m_opts.eta > 0; }

  SamplerStep step(const torch::Tensor& out, int i, const torch::Tensor& xt, const torch::Tensor& noise) override {
    const double a = m_schedule.alphaBar(m_timesteps[size_t(i)]);
    const double aPrev = m_schedule.alphaBar(nextTimestep(i));
    // Epsilon comes from the unclipped prediction, as in diffusers' default.
    auto eps = predictEpsilon(out, xt, a);
    auto x0 = clipIfConfigured(predictX0(out, xt, a));
    // use_clipped_model_output: the epsilon that agrees with the clipped x0 (diffusers'
    // formula). Without it a clipped x0 meets an epsilon made for the unclipped one.
    if (m_opts.useClippedModelOutput) eps = (xt - std::sqrt(a) * x0) / std::sqrt(1 - a);
    const double variance = (1 - aPrev) / (1 - a) * (1 - a / aPrev);
    const double std = m_opts.eta * std::sqrt(variance);
    auto prev = std::sqrt(aPrev) * x0 + std::sqrt(std::max(1 - aPrev - std * std, 0.0)) * eps;
    if (m_opts.eta > 0) prev = prev + std * noise;
    return {prev, x0};
  }
};

}  // namespace

std::unique_ptr<Sampler> makeDdimSampler(const NoiseSchedule& s, const SamplerOptions& o) {
  return std::make_unique<DdimSampler>(s, o);
}

}  // namespace latentlab
