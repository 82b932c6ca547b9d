#include "app/gan/seed_space.h"

#include <cmath>
#include <cstdio>

namespace latentlab {

std::vector<SeedWeight> seedBlend(double x, double y, int stepY) {
  std::vector<SeedWeight> out;
  const double fx = std::floor(x), fy = std::floor(y);
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox) {
      const double sx = fx + ox, sy = fy + oy;
      const double w = (1 - std::abs(x - sx)) * (1 - std::abs(y - sy));
      if (w <= 0) continue;
      // Two's-complement wrap, as (int(x) + int(y) * step_y) & 0xffffffff in the visualizer.
      const int64_t s = int64_t(sx) + int64_t(sy) * stepY;
      out.push_back({uint32_t(uint64_t(s) & 0xffffffffull), w});
    }
  return out;
}

std::vector<float> blendLatents(const std::vector<SeedWeight>& blend, int dim,
                                const std::function<std::vector<float>(uint32_t)>& seedLatent) {
  std::vector<double> acc(size_t(dim), 0.0);
  for (const SeedWeight& b : blend) {
    std::vector<float> z = seedLatent(b.seed);
    for (int i = 0; i < dim && i < int(z.size()); ++i) acc[size_t(i)] += b.weight * z[size_t(i)];
  }
  return std::vector<float>(acc.begin(), acc.end());
}

std::string seedLabel(double x, double y, int stepY) {
  const double fx = std::floor(x), fy = std::floor(y);
  const int64_t s = int64_t(fx) + int64_t(fy) * stepY;
  const uint32_t seed = uint32_t(uint64_t(s) & 0xffffffffull);
  char buf[96];
  if (x == fx && y == fy) std::snprintf(buf, sizeof buf, "seed %u", seed);
  else std::snprintf(buf, sizeof buf, "seed %u +%.2f, +%.2f", seed, x - fx, y - fy);
  return buf;
}

}  // namespace latentlab
