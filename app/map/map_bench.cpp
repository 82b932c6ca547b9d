#include "app/map/map_bench.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "app/engine_client.h"
#include "engine/util/file_io.h"

namespace latentlab {

namespace {
double percentile(std::vector<float> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
}

nlohmann::json summary(const std::vector<float>& v) {
  return {{"p50", percentile(v, 0.5)}, {"p90", percentile(v, 0.9)}, {"p99", percentile(v, 0.99)},
          {"max", percentile(v, 1.0)}, {"n", v.size()}};
}
}  // namespace

MapBench::MapBench() {
  if (const char* out = std::getenv("LATENTLAB_BENCH_MAP")) m_out = out;
  if (const char* n = std::getenv("LATENTLAB_BENCH_MAP_FRAMES")) m_frames = std::max(10, std::atoi(n));
}

void MapBench::beforeNewFrame(AppState& s, const EngineClient& e, const std::map<std::string, ImVec4>& rects,
                              double now) {
  if (!enabled() || m_phase == Phase::Done) return;
  if (m_start < 0) m_start = now;
  auto it = rects.find("map");
  if (it == rects.end() || it->second.z < 50) return;
  MapRect r{it->second.x, it->second.y, it->second.z, it->second.w};
  if (m_phase == Phase::Waiting) {
    // Ready: points on the map and nothing running for 30 frames in a row, the points
    // unchanged (a t-SNE/UMAP layout starts a frame after the encoding, and has finished).
    bool quiet = e.latents() && e.points().count() > 0 && e.idle() && e.points().version == m_seenVersion;
    m_seenVersion = e.points().version;
    m_quietFrames = quiet ? m_quietFrames + 1 : 0;
    if (m_quietFrames < 30) return;
    m_readySeconds = now - m_start;
    m_points = e.points().count();
    m_mode = s.planeMode;
    m_phase = Phase::Pan;
    m_step = 0;
  }
  ImGuiIO& io = ImGui::GetIO();
  if (m_phase == Phase::Pan) {
    // A right-drag's whole-pixel steps, turning every 40 frames so the view wanders and returns.
    static const float dirs[4][2] = {{5, 2}, {-2, 5}, {-5, -2}, {2, -5}};
    const float* d = dirs[(m_step / 40) % 4];
    s.view.panPixels(r, d[0], d[1]);
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // no hover while panning
  } else if (m_phase == Phase::Hover) {
    // Across the map row by row, 9 pixels a frame: most steps land near a new point.
    int cols = std::max(1, int(r.w / 9));
    int k = m_step;
    io.MousePos = ImVec2(r.x + 4 + float(k % cols) * 9.f, r.y + r.h * 0.2f + float((k / cols) * 37 % int(r.h * 0.6f)));
  }
}

void MapBench::afterFrame(double start, double uiDone, double drawn, double swapped, double last, double redrawn) {
  if (m_phase != Phase::Pan && m_phase != Phase::Hover) return;
  Series& s = m_phase == Phase::Pan ? m_pan : m_hover;
  s.work.push_back(float((swapped - start) * 1e3));
  s.interval.push_back(float((swapped - last) * 1e3));
  s.ui.push_back(float((uiDone - start) * 1e3));
  s.draw.push_back(float((drawn - uiDone) * 1e3));
  s.swap.push_back(float((swapped - drawn) * 1e3));
  s.redrawn.push_back(float(redrawn));
  if (++m_step < m_frames) return;
  m_step = 0;
  m_phase = m_phase == Phase::Pan ? Phase::Hover : Phase::Done;
}

int MapBench::writeResult() const {
  auto series = [](const Series& s) {
    return nlohmann::json{{"frame_ms", summary(s.work)}, {"interval_ms", summary(s.interval)},
                          {"ui_ms", summary(s.ui)},      {"draw_ms", summary(s.draw)},
                          {"swap_ms", summary(s.swap)},  {"redrawn", summary(s.redrawn)}};
  };
  nlohmann::json j = {{"points", m_points}, {"plane", m_mode}, {"ready_seconds", m_readySeconds},
                      {"pan", series(m_pan)}, {"hover", series(m_hover)}};
  try {
    writeFileAtomic(m_out, j.dump(2) + "\n");
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "latentlab: %s\n", ex.what());
    return 3;
  }
  std::printf("%s\n", j.dump().c_str());
  return 0;
}

}  // namespace latentlab
