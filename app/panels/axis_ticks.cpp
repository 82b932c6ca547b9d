#include "app/panels/axis_ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace latentlab {

Ticks niceTicks(double lo, double hi, int maxTicks) {
  Ticks t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  maxTicks = std::max(maxTicks, 2);
  double raw = (hi - lo) / double(maxTicks - 1);
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  // The smallest of 1, 2, 5, 10 times the power of ten that leaves at most maxTicks ticks.
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    t.step = m * p;
    if (std::floor(hi / t.step) - std::ceil(lo / t.step) + 1 <= maxTicks) break;
  }
  for (double k = std::ceil(lo / t.step); k * t.step <= hi + t.step * 1e-9; k += 1) t.values.push_back(k * t.step);
  return t;
}

std::string tickLabel(double value, double step) {
  int decimals = step > 0 ? std::max(0, int(-std::floor(std::log10(step) + 1e-9))) : 0;
  if (std::fabs(value) < step * 1e-6) value = 0;  // no "-0"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 6), value);
  return buf;
}

}  // namespace latentlab
