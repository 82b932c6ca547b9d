// --screenshot: when the picture is ready (every job idle and its results drawn), and writing
// it: the PNG plus a JSON sidecar that tells tests where things are (panel and item
// rectangles in framebuffer pixels), what the cursor decoded and which model is shown.
// The pixels come from gl::Window::readPixels; nothing here calls GL.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "engine/data/image.h"

namespace latentlab {

// Counts settled frames: ready once nothing is outstanding for three frames in a row (the
// first draws the last results, the second is the one captured, plus one for a late upload).
class ScreenshotWaiter {
 public:
  bool ready(bool settled) {
    m_frames = settled ? m_frames + 1 : 0;
    return m_frames >= 3;
  }

 private:
  int m_frames = 0;
};

struct ScreenshotInfo {
  std::map<std::string, ImVec4> rects;  // ImGui units: x, y, w, h
  ImVec2 framebufferScale{1, 1};
  std::vector<float> cursorLatent;
  size_t points = 0;
  std::string model;
  std::vector<std::string> messages;  // what the window shows (errors included)
};

nlohmann::json screenshotSidecar(const ScreenshotInfo& info, int fbw, int fbh);
// Writes PATH and PATH.json, each atomically. Throws BadInput when it cannot.
void writeScreenshot(const std::string& path, const Image& pixels, const nlohmann::json& sidecar);

}  // namespace latentlab
