// Frame-time history for the Performance panel: the work each frame took (input handling,
// panels, drawing, presenting) and the interval between frames. The two differ when the app
// is idle: it then waits for input between frames, which is not work, so the panel reports
// the work. Never measures anything itself; the app pushes.
#pragma once
#include <algorithm>
#include <vector>

namespace latentlab {

struct PerfStats {
  std::vector<float> workMs;   // oldest first: time from the frame's start to its present
  std::vector<float> frameMs;  // oldest first: time between frames (includes waiting for input)
  size_t capacity = 600;
  double fps = 0;
  double presentedAt = 0;  // steady-clock seconds when the last swap ended (the app sets it)

  void pushFrame(float work, float interval) {
    pushRing(workMs, work);
    pushRing(frameMs, interval);
  }
  // The interval alone (an app that does not measure work); the panel then says so.
  void push(float interval) { pushRing(frameMs, interval); }
  // p in [0, 1]; 0 when empty.
  static double percentile(std::vector<float> v, double p) {
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
  }

 private:
  void pushRing(std::vector<float>& ring, float ms) const {
    if (ring.size() >= capacity) ring.erase(ring.begin());
    ring.push_back(ms);
  }
};

}  // namespace latentlab
