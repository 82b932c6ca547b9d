// The desktop window: GLFW + OpenGL 3.3 + Dear ImGui. Owns the AppState, the engine client,
// the panels and the frame loop (idle-waits when nothing changes), the main menu, sessions,
// UI scale, and --screenshot. The only place that touches GLFW; GL only through app/gl.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

struct GuiOptions {
  std::vector<std::string> models;
  std::string data, session, screenshot, device = "auto";
  float scale = 0;  // 0 = from the session or 1.0
  int width = 1600, height = 1000;
  std::string benchDrag;  // --bench-drag OUT.json (see app/drag_bench.h)
  int benchMoves = 300;
  // Diffusion bundles: open the Diffusion panel on this tab (denoise, compare, noise,
  // schedule); "noise" also noises data item noiseIndex to noiseT. For screenshots.
  std::string diffusionTab;
  int64_t noiseIndex = 0;
  int noiseT = 300;
};

// Returns the process exit code: 0, 1 (no window could be opened), 3 (bad session/model).
int runGui(const GuiOptions& opts);

}  // namespace latentlab
