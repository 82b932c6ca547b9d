#include "app/drag_bench.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/engine_client.h"
#include "app/perf_stats.h"
#include "engine/util/file_io.h"

namespace latentlab {

void DragBench::beforeFrame(AppState& s, EngineClient& e, double now) {
  if (!enabled() || m_phase == Phase::Done) return;
  if (e.diffusion()) {
    sampleFrame(e, now);
    return;
  }
  if (m_phase == Phase::Waiting) {
    if (!e.latents() || !e.idle() || e.cursorVersion == 0) return;
    m_phase = Phase::Running;
    m_centerU = s.view.centerU, m_centerV = s.view.centerV;
    m_radius = s.view.halfExtent * 0.4;
  }
  ++m_frame;
  // Keep the background worker busy: a new grid replaces (and cancels) the previous one.
  if (m_frame % 20 == 1)
    e.decodeGrid(s.plane, m_centerU - m_radius, m_centerU + m_radius, m_centerV - m_radius, m_centerV + m_radius,
                 24);
  if (m_awaiting && e.cursorVersion != m_seenVersion) {
    m_awaiting = false;
    m_shownThisFrame = true;
  }
  if (!m_awaiting && !m_shownThisFrame) {
    double a = 2 * M_PI * m_step / 60.0;
    s.hasCursor = true;
    s.cursorU = m_centerU + m_radius * std::cos(a);
    s.cursorV = m_centerV + m_radius * std::sin(a);
    m_seenVersion = e.cursorVersion;
    m_moveTime = now;
    m_awaiting = true;
    ++m_step;
  }
}

void DragBench::sampleFrame(EngineClient& e, double now) {
  // Diffusion models: sampling runs back to back (50 DDIM steps, guidance 3, a new seed and
  // class each), every step shown live; a "move" is one whole run.
  m_sampling = true;
  if (m_phase == Phase::Waiting) {
    if (e.sampleA.finished == 0 || e.sampling()) return;
    m_phase = Phase::Running;
  }
  if (e.sampling()) return;
  if (m_awaiting) {
    m_dragMs.push_back(float((now - m_moveTime) * 1000.0));
    m_awaiting = false;
    if (int(m_dragMs.size()) >= m_moves) {
      m_phase = Phase::Done;
      return;
    }
  }
  SampleRequest r;
  r.seed = uint64_t(m_step);
  r.classIndex = m_step % 10;
  ++m_step;
  e.sample(r);
  m_moveTime = now;
  m_awaiting = true;
}

void DragBench::addPhases(double uiMs, double drawMs, double swapMs, double redrawn) {
  if (m_phase != Phase::Running) return;
  m_uiMs.push_back(float(uiMs));
  m_drawMs.push_back(float(drawMs));
  m_swapMs.push_back(float(swapMs));
  m_redrawn.push_back(float(redrawn));
}

void DragBench::afterSwap(double now, double frameMs) {
  if (m_phase != Phase::Running) return;
  m_frameMs.push_back(float(frameMs));
  if (m_shownThisFrame) {
    m_dragMs.push_back(float((now - m_moveTime) * 1000.0));
    m_shownThisFrame = false;
    if (int(m_dragMs.size()) >= m_moves) m_phase = Phase::Done;
  }
}

int DragBench::writeResult() const {
  nlohmann::json j = {{m_sampling ? "runs" : "moves", m_dragMs.size()},
                      {"frames", m_frameMs.size()},
                      {m_sampling ? "run_ms_p50" : "drag_ms_p50", PerfStats::percentile(m_dragMs, 0.5)},
                      {m_sampling ? "run_ms_p99" : "drag_ms_p99", PerfStats::percentile(m_dragMs, 0.99)},
                      {"frame_ms_p50", PerfStats::percentile(m_frameMs, 0.5)},
                      {"frame_ms_p99", PerfStats::percentile(m_frameMs, 0.99)},
                      {"ui_ms_p50", PerfStats::percentile(m_uiMs, 0.5)},
                      {"ui_ms_p99", PerfStats::percentile(m_uiMs, 0.99)},
                      {"draw_ms_p50", PerfStats::percentile(m_drawMs, 0.5)},
                      {"draw_ms_p99", PerfStats::percentile(m_drawMs, 0.99)},
                      {"swap_ms_p50", PerfStats::percentile(m_swapMs, 0.5)},
                      {"swap_ms_p99", PerfStats::percentile(m_swapMs, 0.99)},
                      {"redrawn_fraction_p50", PerfStats::percentile(m_redrawn, 0.5)},
                      {"redrawn_fraction_p99", PerfStats::percentile(m_redrawn, 0.99)},
                      {"partial_redraw", m_partialRedraw},
                      {"background", m_sampling ? "50-step DDIM runs back to back, every step shown"
                                                : "manifold grids of 24 x 24 decodes, restarted every 20 frames"}};
  writeFileAtomic(m_out, j.dump(2) + "\n");
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

}  // namespace latentlab
