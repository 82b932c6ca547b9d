#include "app/compare/difference_map.h"

#include <algorithm>
#include <cmath>

namespace latentlab {

void heatColour(double t, uint8_t rgb[3]) {
  t = std::clamp(t, 0.0, 1.0);
  const double r = std::clamp(3 * t, 0.0, 1.0), g = std::clamp(3 * t - 1, 0.0, 1.0), b = std::clamp(3 * t - 2, 0.0, 1.0);
  rgb[0] = uint8_t(std::lround(r * 255)), rgb[1] = uint8_t(std::lround(g * 255)), rgb[2] = uint8_t(std::lround(b * 255));
}

DifferenceMap differenceMap(const float* a, const float* b, int channels, int height, int width, double saturate) {
  DifferenceMap out;
  out.heat = Image(width, height, 3);
  const size_t plane = size_t(height) * size_t(width);
  double sum = 0;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      double d = 0;
      for (int c = 0; c < channels; ++c) {
        const size_t i = size_t(c) * plane + size_t(y) * size_t(width) + size_t(x);
        d += std::fabs(double(a[i]) - double(b[i]));
      }
      d /= double(std::max(channels, 1));
      sum += d;
      out.maxAbs = std::max(out.maxAbs, d);
      heatColour(saturate > 0 ? d / saturate : 0.0, out.heat.at(x, y));
    }
  out.meanAbs = plane ? sum / double(plane) : 0;
  return out;
}

}  // namespace latentlab
