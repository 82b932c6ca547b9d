// Tick marks for plot and map axes: "nice" values (1, 2 or 5 times a power of ten) inside a
// range, and their labels with just enough decimals. Pure arithmetic, no ImGui.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

struct Ticks {
  double step = 0;             // spacing between ticks
  std::vector<double> values;  // ascending, all within [lo, hi]
};

// At most `maxTicks` (>= 2) evenly spaced nice values in [lo, hi]; empty if the range is empty.
Ticks niceTicks(double lo, double hi, int maxTicks);
// "0.5", "-2", "1000": enough decimals to tell ticks `step` apart, no "-0".
std::string tickLabel(double value, double step);

}  // namespace latentlab
