// DPM-Solver++(2M) (Lu et al. 2022, Alg. 2), as diffusers' DPMSolverMultistepScheduler with
// algorithm_type "dpmsolver++", solver_order 2, solver_type "midpoint", final sigma 0: the
// data-prediction multistep solver in log-SNR time lambda = log(alpha / sigma). The first
// step has no history and the last goes to sigma = 0, so both are first order.
// Keeps the previous step's x0 (history), so one sampler object serves one run at a time.
#include <cmath>

#include "engine/diffusion/samplers_builtin.h"

namespace latentlab {

namespace {

class Dpmpp2mSampler : public Sampler {
 public:
  using Sampler::Sampler;

  SamplerStep step(const torch::Tensor& out, int i, const torch::Tensor& xt, const torch::Tensor&) override {
    const int64_t t = m_timesteps[size_t(i)], tNext = nextTimestep(i);
    const double a = m_schedule.alphaBar(t);
    auto x0 = predictX0(out, xt, a);
    torch::Tensor prev;
    if (tNext < 0) {
      prev = x0;  // sigma_next = 0: lambda = inf, the update lands on x0 exactly
    } else {
      const double aNext = m_schedule.alphaBar(tNext);
      const double lambda = lambdaOf(a), lambdaNext = lambdaOf(aNext);
      const double h = lambdaNext - lambda;
      const double alphaNext = std::sqrt(aNext), expm = std::expm1(-h);
      // sigma_next / sigma_s in VP units
      const double ratio = std::sqrt(1 - aNext) / std::sqrt(1 - a);
      torch::Tensor d = x0;
      if (m_prevX0.defined() && m_prevIndex == i - 1) {
        const double h0 = lambda - m_prevLambda;
        d = x0 + (0.5 * h / h0) * (x0 - m_prevX0);
      }
      prev = ratio * xt - alphaNext * expm * d;
    }
    m_prevX0 = x0, m_prevLambda = lambdaOf(a), m_prevIndex = i;
    return {prev, x0};
  }

 protected:
  void reset() override { m_prevX0 = torch::Tensor(), m_prevIndex = -2; }

 private:
  static double lambdaOf(double a) { return 0.5 * std::log(a) - 0.5 * std::log(1 - a); }

  torch::Tensor m_prevX0;
  double m_prevLambda = 0;
  int m_prevIndex = -2;
};

}  // namespace

std::unique_ptr<Sampler> makeDpmpp2mSampler(const NoiseSchedule& s, const SamplerOptions& o) {
  return std::make_unique<Dpmpp2mSampler>(s, o);
}

}  // namespace latentlab
