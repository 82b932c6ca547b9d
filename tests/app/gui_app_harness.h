// A whole GuiApp run headless (no window, no GL) on a small data set, for tests that drive
// the app through ImGui input. Shared by the app tests; never used by the program.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "app/gui_app.h"
#include "app_test_support.h"

namespace latentlab::test {

inline std::unique_ptr<GuiApp> makeHeadlessApp(const std::string& model, const std::string& data, int gridK = 4) {
  AppState s;
  s.modelDir = model;
  s.dataSpec = data;
  s.device = "cpu";
  s.gridK = gridK;
  auto app = std::make_unique<GuiApp>(GuiOptions{}, s);
  app->start();
  return app;
}

// Frames until `done` (about 120 s at most); false on timeout.
inline bool framesUntil(GuiApp& app, const std::function<bool()>& done) {
  for (int i = 0; i < 12000; ++i) {
    app.headlessFrame();
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// One frame with the mouse at `p`, the left button down or up (ImGui 1.86: io.MousePos).
inline void mouseFrame(GuiApp& app, ImVec2 p, bool left = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = left;
  app.headlessFrame();
}

// The largest per-byte difference of two images; INT_MAX when their sizes differ.
// A left click at `p`: mouse there, button down for a frame, up again.
inline void click(GuiApp& app, ImVec2 p) {
  mouseFrame(app, p);
  mouseFrame(app, p, true);
  mouseFrame(app, p);
}

inline int maxPixelDiff(const Image& a, const Image& b) {
  if (a.pixels.size() != b.pixels.size()) return std::numeric_limits<int>::max();
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return worst;
}

}  // namespace latentlab::test
