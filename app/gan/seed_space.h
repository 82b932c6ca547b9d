// Seed space as the StyleGAN3 visualizer lays it out: integer points (x, y) are seeds
// x + y * stepY (wrapped to 32 bits), and a fractional point blends the z of its four
// neighbouring seeds with bilinear weights, so dragging moves smoothly from one seed's image
// to the next. Pure arithmetic, no engine, no ImGui: the Seed grid panel and its test use it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace latentlab {

struct SeedWeight {
  uint32_t seed = 0;
  double weight = 0;
};

constexpr int kSeedStepY = 100;  // the visualizer's step between rows of seeds

// The seeds around (x, y) with a positive weight; the weights sum to 1.
std::vector<SeedWeight> seedBlend(double x, double y, int stepY = kSeedStepY);

// sum_i weight_i * z(seed_i), each z of `dim` values.
std::vector<float> blendLatents(const std::vector<SeedWeight>& blend, int dim,
                                const std::function<std::vector<float>(uint32_t)>& seedLatent);

// "seed 1234" at an integer point, else "seed 1234 +0.25, +0.50" (offset from the lower seed).
std::string seedLabel(double x, double y, int stepY = kSeedStepY);

}  // namespace latentlab
