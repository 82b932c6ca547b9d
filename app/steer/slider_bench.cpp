#include "app/steer/slider_bench.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/perf_stats.h"
#include "engine/util/file_io.h"

namespace latentlab {

namespace {
const char* kStageNames[6] = {"move_to_submit", "submit_to_worker_start", "decode_on_worker",
                              "decoded_to_poll", "poll_to_drawn", "drawn_to_swapped"};
}

SliderBench::SliderBench() {
  if (const char* out = std::getenv("LATENTLAB_BENCH_SLIDER")) m_out = out;
  if (const char* n = std::getenv("LATENTLAB_BENCH_MOVES")) m_moves = std::max(10, std::atoi(n));
}

void SliderBench::submitted(double t) {
  if (m_wait == Wait::Decode) m_t[1] = t;
}
void SliderBench::worked(double start, double end) {
  if (m_wait == Wait::Decode) m_t[2] = start, m_t[3] = end;
}
void SliderBench::delivered(double t) {
  if (m_wait == Wait::Decode) m_t[4] = t;
}

bool SliderBench::frame(double now, uint64_t version, double presentedAt, float& value, bool& grid) {
  if (!enabled()) return false;
  if (m_lastFrame > 0) m_frameMs.push_back(float((now - m_lastFrame) * 1000.0));
  m_lastFrame = now;
  grid = ++m_frames % 20 == 1;
  if (m_wait == Wait::Swap) {
    if (presentedAt <= m_t[5]) return false;  // the frame that drew it has not been swapped yet
    // Move -> the end of the swap of the frame that drew the picture, as DragBench measures.
    m_latencyMs.push_back(float((presentedAt - m_t[0]) * 1000.0));
    for (int i = 0; i < 5; ++i) m_stageMs[i].push_back(float((m_t[i + 1] - m_t[i]) * 1000.0));
    m_stageMs[5].push_back(float((presentedAt - m_t[5]) * 1000.0));
    m_wait = Wait::None;
    if (int(m_latencyMs.size()) >= m_moves) {
      write();
      m_done = true;
      return false;
    }
  }
  if (m_wait == Wait::Decode) {
    if (version == m_seen) return false;
    m_t[5] = now;  // applied by this frame's poll: the panel draws it in this frame
    m_wait = Wait::Swap;
    return false;
  }
  value = float(3.0 * std::sin(2 * M_PI * m_step++ / 60.0 + 0.1));
  m_seen = version;
  for (double& t : m_t) t = now;
  m_wait = Wait::Decode;
  return true;
}

void SliderBench::write() const {
  nlohmann::json stages = nlohmann::json::object();
  for (int i = 0; i < 6; ++i)
    stages[kStageNames[i]] = {{"p50", PerfStats::percentile(m_stageMs[i], 0.5)},
                              {"p99", PerfStats::percentile(m_stageMs[i], 0.99)}};
  nlohmann::json j = {{"moves", m_latencyMs.size()},
                      {"frames", m_frameMs.size()},
                      {"slider_ms_p50", PerfStats::percentile(m_latencyMs, 0.5)},
                      {"slider_ms_p99", PerfStats::percentile(m_latencyMs, 0.99)},
                      {"frame_ms_p50", PerfStats::percentile(m_frameMs, 0.5)},
                      {"frame_ms_p99", PerfStats::percentile(m_frameMs, 0.99)},
                      {"stages_ms", stages},
                      {"measured", "slider move -> end of the swap of the frame that drew its decode"},
                      {"background", "24 x 24 manifold grids restarted every 20 frames (as bench/gui_drag.sh)"}};
  writeFileAtomic(m_out, j.dump(2) + "\n");
  std::printf("%s\n", j.dump(2).c_str());
  std::fflush(stdout);
}

}  // namespace latentlab
