// Frame-time history for the performance panel and bench: a ring of the last N frames.
#pragma once
#include <algorithm>
#include <vector>

namespace latentlab {

struct PerfStats {
  std::vector<float> frameMs;  // oldest first
  size_t capacity = 600;
  double fps = 0;

  void push(float ms) {
    if (frameMs.size() >= capacity) frameMs.erase(frameMs.begin());
    frameMs.push_back(ms);
  }
  // p in [0, 1]; 0 when empty.
  static double percentile(std::vector<float> v, double p) {
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
  }
};

}  // namespace latentlab
