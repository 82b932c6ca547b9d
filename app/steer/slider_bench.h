// LATENTLAB_BENCH_SLIDER=OUT.json (bench/gui_slider.sh): a scripted slider in the real window,
// measured the way bench/gui_drag.sh measures the drag: from the move to the end of the swap
// of the frame that drew its decoded picture. Once the Directions panel has a slider and a
// decoded image, it moves the first slider (a sine over +-3 sigma), one move after each
// decoded result is on screen, while the background worker decodes 24 x 24 manifold grids
// restarted every 20 frames (the drag bench's load). Each move
// is also split into its stages (move -> job submitted -> worker starts -> decode done ->
// result taken by the main loop's poll -> drawn in a frame -> that frame swapped), so the
// JSON says where the time goes. Timing only: never used by tests, inert without the variable.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

class SliderBench {
 public:
  SliderBench();  // reads LATENTLAB_BENCH_SLIDER and LATENTLAB_BENCH_MOVES (default 300)
  bool enabled() const { return !m_out.empty() && !m_done; }
  // Once per frame of the Directions panel, before it draws. `version`: its decoded image's
  // version; `presentedAt`: when the last swap ended (PerfStats::presentedAt). Returns true
  // when the slider should move to `value` now. `grid` is set every 20 frames: ask for a 24 x 24
  // grid, keeping the background worker busy. Times are steady-clock seconds.
  bool frame(double now, uint64_t version, double presentedAt, float& value, bool& grid);
  // The stages of the move in flight (steady-clock seconds): its job submitted, the work
  // function started and ended on the worker, its result handed to the panel by the poll.
  void submitted(double t);
  void worked(double start, double end);
  void delivered(double t);
  bool done() const { return m_done; }
  // Whether the next frame must come without waiting for an event (not while a decode is in
  // flight: its result wakes the main loop, as it does for a user's slider).
  bool needsFrames() const { return enabled() && m_wait != Wait::Decode; }

 private:
  void write() const;
  std::string m_out;
  int m_moves = 300, m_step = 0, m_frames = 0;
  enum class Wait { None, Decode, Swap } m_wait = Wait::None;
  bool m_done = false;
  uint64_t m_seen = 0;
  double m_lastFrame = 0;
  // The move in flight: move, submit, work start, work end, delivered, drawn.
  double m_t[6] = {};
  std::vector<float> m_latencyMs, m_frameMs;
  std::vector<float> m_stageMs[6];  // the 6 steps between the 7 stamps (the last: drawn -> swapped)
};

}  // namespace latentlab
