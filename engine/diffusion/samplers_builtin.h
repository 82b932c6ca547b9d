// Factories of the built-in samplers, for the registry in sampler.cpp only.
#pragma once
#include <memory>

#include "engine/diffusion/sampler.h"

namespace latentlab {

std::unique_ptr<Sampler> makeDdpmSampler(const NoiseSchedule& s, const SamplerOptions& o);
std::unique_ptr<Sampler> makeDdimSampler(const NoiseSchedule& s, const SamplerOptions& o);
std::unique_ptr<Sampler> makeEulerSampler(const NoiseSchedule& s, const SamplerOptions& o);
std::unique_ptr<Sampler> makeDpmpp2mSampler(const NoiseSchedule& s, const SamplerOptions& o);

}  // namespace latentlab
