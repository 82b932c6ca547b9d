// LATENTLAB_BENCH_SLIDER=OUT.json (bench/gui_slider.sh): a scripted slider in the real window,
// measured the way bench/gui_drag.sh measures the drag. Once the Directions panel has a
// slider and a decoded image, it moves the first slider (a sine over +-3 sigma), one move
// after each decoded result is on screen, while the background worker decodes manifold
// grids; it records the time from each move to the start of the frame after the one that
// drew the new picture (that frame's swap has happened by then: a slight overestimate), and
// writes percentiles. Timing only: never used by tests, inert without the variable.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

class SliderBench {
 public:
  SliderBench();  // reads LATENTLAB_BENCH_SLIDER and LATENTLAB_BENCH_MOVES (default 300)
  bool enabled() const { return !m_out.empty() && !m_done; }
  // Once per frame of the Directions panel. `version`: its decoded image's version. Returns
  // true when the slider should move to `value` now. `grid` is set every 20 frames: keep the
  // background worker busy.
  bool frame(double now, uint64_t version, float& value, bool& grid);
  bool done() const { return m_done; }

 private:
  void write() const;
  std::string m_out;
  int m_moves = 300, m_step = 0, m_frames = 0;
  bool m_awaiting = false, m_shown = false, m_done = false;
  uint64_t m_seen = 0;
  double m_moveTime = 0, m_lastFrame = 0;
  std::vector<float> m_latencyMs, m_frameMs;
};

}  // namespace latentlab
