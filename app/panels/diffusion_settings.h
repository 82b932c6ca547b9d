// The settings of one sampling run as the Diffusion panel edits them, shared by its views
// (the main controls, Compare, "run from this step").
#pragma once
#include <string>

#include "engine/explore/diffusion_sampling.h"

namespace latentlab {

struct DiffusionSettings {
  int seed = 0;
  int classIndex = -1;  // -1 = unconditional
  float guidance = 3.f;
  std::string sampler = "ddim";
  int steps = 50;
  float eta = 0.f;

  SampleRequest request() const {
    SampleRequest r;
    r.seed = uint64_t(seed);
    r.classIndex = classIndex;
    r.guidance = guidance;
    r.sampler = sampler;
    r.steps = steps;
    r.eta = eta;
    return r;
  }
};

// "Shirt" for class 6 of Fashion-MNIST, the index when the model has no names, or
// "unconditional" for -1.
std::string className(const DiffusionInfo* info, int classIndex);

}  // namespace latentlab
