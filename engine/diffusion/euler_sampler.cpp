// Euler's method on the probability-flow ODE in sigma space (Karras et al. 2022, Alg. 1
// without churn), as diffusers' EulerDiscreteScheduler: the state is x = x0 + sigma * eps,
// i.e. x_t / sqrt(alpha_bar), and the network sees x / sqrt(sigma^2 + 1).
// Difference from diffusers, on purpose: the initial noise is always scaled by
// sqrt(sigma_max^2 + 1) (diffusers uses sigma_max for linspace/trailing spacing), which is
// the standard deviation x_T really has in this space.
#include <cmath>

#include "engine/diffusion/samplers_builtin.h"

namespace latentlab {

namespace {

class EulerSampler : public Sampler {
 public:
  using Sampler::Sampler;

  double initNoiseScale() const override { return std::sqrt(sigmaAt(0) * sigmaAt(0) + 1); }
  double modelInputScale(int i) const override { return 1 / std::sqrt(sigmaAt(i) * sigmaAt(i) + 1); }
  double prevScale(int i) const override { return 1 / std::sqrt(sigmaAt(i + 1) * sigmaAt(i + 1) + 1); }

  SamplerStep step(const torch::Tensor& out, int i, const torch::Tensor& x, const torch::Tensor&) override {
    const double sigma = sigmaAt(i), sigmaNext = sigmaAt(i + 1);
    torch::Tensor x0;
    switch (m_schedule.config().predictionType) {
      case PredictionType::Epsilon: x0 = x - sigma * out; break;
      case PredictionType::Sample: x0 = out; break;
      case PredictionType::VPrediction:
        x0 = out * (-sigma / std::sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1);
        break;
    }
    auto derivative = (x - x0) / sigma;
    return {x + derivative * (sigmaNext - sigma), x0};
  }

 private:
  // sigma of step i's timestep; 0 after the last step.
  double sigmaAt(int i) const { return i < numSteps() ? m_schedule.sigma(m_timesteps[size_t(i)]) : 0.0; }
};

}  // namespace

std::unique_ptr<Sampler> makeEulerSampler(const NoiseSchedule& s, const SamplerOptions& o) {
  return std::make_unique<EulerSampler>(s, o);
}

}  // namespace latentlab
