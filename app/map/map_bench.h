// LATENTLAB_BENCH_MAP=OUT.json: frame times on the latent map for bench/ (bench/gui_map.sh).
// Waits until the map is ready (points encoded, the layout finished, the engine idle),
// recording how long that took, then pans the view by a few whole pixels every frame (as a
// right-drag does) and afterwards hovers the pointer across the map one step a frame (each
// step picks the nearest point and shows its tooltip), LATENTLAB_BENCH_MAP_FRAMES frames each
// (default 300), writes percentiles and exits. Timing only: never used by tests.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <imgui.h>

#include "app/app_state.h"

namespace latentlab {

class EngineClient;

class MapBench {
 public:
  MapBench();  // reads the environment
  bool enabled() const { return !m_out.empty(); }
  bool finished() const { return m_phase == Phase::Done; }
  // After the backend's new frame, before ImGui::NewFrame: pans the view or places the
  // pointer. `rects`: last frame's item rectangles ("map").
  void beforeNewFrame(AppState& state, const EngineClient& engine, const std::map<std::string, ImVec4>& rects,
                      double now);
  // After the swap, with the frame's times (seconds): its start, UI built (panels, the points
  // layer), GL draws issued, swapped; `last` the previous swap; `redrawn` the fraction of the
  // window re-rasterised.
  void afterFrame(double start, double uiDone, double drawn, double swapped, double last, double redrawn);
  int writeResult() const;

 private:
  enum class Phase { Waiting, Pan, Hover, Done };
  std::string m_out;
  int m_frames = 300;
  Phase m_phase = Phase::Waiting;
  double m_start = -1, m_readySeconds = 0;
  int m_step = 0;
  int m_quietFrames = 0;
  uint64_t m_seenVersion = 0;
  size_t m_points = 0;
  std::string m_mode;
  struct Series {
    std::vector<float> work, interval, ui, draw, swap, redrawn;
  } m_pan, m_hover;
};

}  // namespace latentlab
