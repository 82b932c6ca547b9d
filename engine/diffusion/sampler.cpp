#include "engine/diffusion/sampler.h"

#include <cmath>

#include "engine/diffusion/samplers_builtin.h"
#include "engine/util/errors.h"

namespace latentlab {

void Sampler::setSteps(int numSteps) {
  m_timesteps = m_schedule.timesteps(numSteps);
  reset();
}

int64_t Sampler::nextTimestep(int stepIndex) const {
  // The next timestep in the list rather than diffusers' older "t - N / steps": the two agree
  // for leading spacing, and only this one stays on the chosen grid for linspace/trailing.
  return stepIndex + 1 < numSteps() ? m_timesteps[size_t(stepIndex) + 1] : -1;
}

torch::Tensor Sampler::predictX0(const torch::Tensor& out, const torch::Tensor& xt, double a) const {
  switch (m_schedule.config().predictionType) {
    case PredictionType::Epsilon: return (xt - std::sqrt(1 - a) * out) / std::sqrt(a);
    case PredictionType::Sample: return out;
    case PredictionType::VPrediction: return std::sqrt(a) * xt - std::sqrt(1 - a) * out;
  }
  return out;
}

torch::Tensor Sampler::predictEpsilon(const torch::Tensor& out, const torch::Tensor& xt, double a) const {
  switch (m_schedule.config().predictionType) {
    case PredictionType::Epsilon: return out;
    case PredictionType::Sample: return (xt - std::sqrt(a) * out) / std::sqrt(1 - a);
    case PredictionType::VPrediction: return std::sqrt(a) * out + std::sqrt(1 - a) * xt;
  }
  return out;
}

torch::Tensor Sampler::clipIfConfigured(const torch::Tensor& x0) const {
  const auto& c = m_schedule.config();
  return c.clipSample ? x0.clamp(-c.clipSampleRange, c.clipSampleRange) : x0;
}

namespace {

struct Entry {
  std::string name;
  std::unique_ptr<Sampler> (*make)(const NoiseSchedule&, const SamplerOptions&);
};

// An explicit table, not self-registering statics: a static library drops object files
// nothing references, and with them their registrations.
const std::vector<Entry>& registry() {
  static const std::vector<Entry> r = {{"ddpm", makeDdpmSampler},
                                       {"ddim", makeDdimSampler},
                                       {"euler", makeEulerSampler},
                                       {"dpmpp-2m", makeDpmpp2mSampler}};
  return r;
}

}  // namespace

const std::vector<std::string>& samplerNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (auto& e : registry()) n.push_back(e.name);
    return n;
  }();
  return names;
}

std::unique_ptr<Sampler> makeSampler(const std::string& name, const NoiseSchedule& schedule,
                                     const SamplerOptions& opts) {
  for (auto& e : registry())
    if (e.name == name) return e.make(schedule, opts);
  std::string list;
  for (auto& n : samplerNames()) list += (list.empty() ? "" : ", ") + n;
  throw BadInput("unknown sampler \"" + name + "\" (expected one of: " + list + ")");
}

}  // namespace latentlab
