#include "app/steer/slider_bench.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/perf_stats.h"
#include "engine/util/file_io.h"

namespace latentlab {

SliderBench::SliderBench() {
  if (const char* out = std::getenv("LATENTLAB_BENCH_SLIDER")) m_out = out;
  if (const char* n = std::getenv("LATENTLAB_BENCH_MOVES")) m_moves = std::max(10, std::atoi(n));
}

bool SliderBench::frame(double now, uint64_t version, float& value, bool& grid) {
  if (!enabled()) return false;
  if (m_lastFrame > 0) m_frameMs.push_back(float((now - m_lastFrame) * 1000.0));
  m_lastFrame = now;
  grid = ++m_frames % 20 == 1;
  if (m_shown) {
    // The previous frame drew the picture and has been swapped: this frame starts after it.
    m_latencyMs.push_back(float((now - m_moveTime) * 1000.0));
    m_shown = false;
    m_awaiting = false;
    if (int(m_latencyMs.size()) >= m_moves) {
      write();
      m_done = true;
      return false;
    }
  }
  if (m_awaiting) {
    if (version != m_seen) m_shown = true;  // applied before this frame's panels: drawn now
    return false;
  }
  value = float(3.0 * std::sin(2 * M_PI * m_step++ / 60.0 + 0.1));
  m_seen = version;
  m_moveTime = now;
  m_awaiting = true;
  return true;
}

void SliderBench::write() const {
  nlohmann::json j = {{"moves", m_latencyMs.size()},
                      {"frames", m_frameMs.size()},
                      {"slider_ms_p50", PerfStats::percentile(m_latencyMs, 0.5)},
                      {"slider_ms_p99", PerfStats::percentile(m_latencyMs, 0.99)},
                      {"frame_ms_p50", PerfStats::percentile(m_frameMs, 0.5)},
                      {"frame_ms_p99", PerfStats::percentile(m_frameMs, 0.99)},
                      {"measured", "slider move -> start of the frame after the one that drew its decode"},
                      {"background", "manifold grids requested every 20 frames"}};
  writeFileAtomic(m_out, j.dump(2) + "\n");
  std::printf("%s\n", j.dump(2).c_str());
  std::fflush(stdout);
}

}  // namespace latentlab
