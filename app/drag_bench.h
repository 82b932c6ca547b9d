// `latentlab --bench-drag OUT.json`: a scripted drag in the real window for bench/.
// Once the map is ready it moves the cursor around a circle, one move after each decoded
// result reaches the screen, while the background worker is kept busy decoding manifold
// grids. It records the time from each cursor move to the swap of the frame showing its
// image, and every frame's time, then writes the percentiles and exits. Timing only: never
// used by tests. For a diffusion model it instead runs sampling runs back to back and records
// the frame times while every step renders live.
#pragma once
#include <string>
#include <vector>

#include "app/app_state.h"

namespace latentlab {

class EngineClient;

class DragBench {
 public:
  DragBench(std::string outPath, int moves) : m_out(std::move(outPath)), m_moves(moves) {}
  bool enabled() const { return !m_out.empty(); }
  bool running() const { return m_phase == Phase::Running; }
  bool finished() const { return m_phase == Phase::Done; }
  // After the engine poll, before panels draw: may move the cursor and post grid jobs.
  void beforeFrame(AppState& state, EngineClient& engine, double now);
  // After the buffer swap.
  void afterSwap(double now, double frameMs);
  // Where the frame's time went: building the UI (poll + panels), issuing GL draws, and the
  // swap (where llvmpipe rasterises). Recorded with each frame while running.
  // `redrawn`: the fraction of the window re-rasterised (partial redraw).
  void addPhases(double uiMs, double drawMs, double swapMs, double redrawn);
  void setPartialRedraw(bool on) { m_partialRedraw = on; }  // recorded in the result
  // Writes the JSON result; returns the exit code.
  int writeResult() const;

 private:
  enum class Phase { Waiting, Running, Done };
  void sampleFrame(EngineClient& e, double now);
  bool m_sampling = false;
  bool m_partialRedraw = false;  // a diffusion model: frames while sampling runs back to back
  std::string m_out;
  int m_moves;
  Phase m_phase = Phase::Waiting;
  double m_centerU = 0, m_centerV = 0, m_radius = 1;
  int m_step = 0, m_frame = 0;
  bool m_awaiting = false, m_shownThisFrame = false;
  uint64_t m_seenVersion = 0;
  double m_moveTime = 0;
  std::vector<float> m_dragMs, m_frameMs, m_uiMs, m_drawMs, m_swapMs, m_redrawn;
};

}  // namespace latentlab
