// Helpers of the real-window tests: the window under Xvfb opened on a session and
// screenshotted, and how much a region of the screenshot varies (a picture, not a flat box).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/data/image_io.h"
#include "test_support.h"

namespace latentlab::test {

// `latentlab --session SESSION --screenshot PNG` in a 1600 x 1000 Xvfb screen.
inline RunResult screenshotSession(const std::string& session, const std::string& png) {
  return runCommand("xvfb-run -a -s \"-screen 0 1600x1000x24\" " + std::string(LATENTLAB_BIN) +
                    " --session " + session + " --screenshot " + png);
}

// Standard deviation of the grey level inside rect [x, y, w, h] of the screenshot.
inline double greySpread(const Image& shot, const std::vector<float>& r) {
  double s = 0, s2 = 0, n = 0;
  for (int y = int(r[1]); y < int(r[1] + r[3]) && y < shot.height; ++y)
    for (int x = int(r[0]); x < int(r[0] + r[2]) && x < shot.width; ++x) {
      const uint8_t* p = shot.at(x, y);
      double v = (double(p[0]) + p[1] + p[2]) / 3.0;
      s += v, s2 += v * v, n += 1;
    }
  if (n == 0) return 0;
  return std::sqrt(std::max(0.0, s2 / n - (s / n) * (s / n)));
}

}  // namespace latentlab::test
