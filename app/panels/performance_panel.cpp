#include "app/panels/performance_panel.h"
#include "app/panels/param_help.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "app/engine_client.h"
#include "app/perf_stats.h"
#include "engine/tokens/token_model.h"

namespace latentlab {

const char* PerformancePanel::notes() const {
  return "How hard the computer is working. The plot shows how long the work of each screen frame took "
         "(reading input, drawing, showing the picture; time spent waiting for input is not counted): "
         "below the dashed line (16.7 ms) the picture can update 60 times a second. Decode is the "
         "time from moving the cursor to having the new image. The model runs on two worker "
         "threads so the window never freezes while it thinks.";
}

namespace {
void plot(const std::vector<float>& ms, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), IM_COL32(20, 22, 28, 255));
  float top = 40.f;  // ms at the top of the plot
  for (float v : ms) top = std::max(top, std::min(v * 1.1f, 200.f));
  auto y = [&](float v) { return p.y + size.y - std::min(v, top) / top * size.y; };
  float y60 = y(16.7f);
  for (float x = p.x; x < p.x + size.x; x += 8)
    dl->AddLine(ImVec2(x, y60), ImVec2(std::min(x + 4, p.x + size.x), y60), IM_COL32(120, 200, 120, 200));
  if (ms.size() >= 2) {
    std::vector<ImVec2> pts;
    size_t n = ms.size();
    for (size_t i = 0; i < n; ++i) pts.push_back(ImVec2(p.x + size.x * float(i) / float(n - 1), y(ms[i])));
    dl->AddPolyline(pts.data(), int(pts.size()), IM_COL32(240, 180, 60, 255), 0, 1.5f);
  }
  char label[32];
  std::snprintf(label, sizeof(label), "%.0f ms", top);
  ImVec2 ls = ImGui::CalcTextSize(label);
  dl->AddRectFilled(ImVec2(p.x + 1, p.y + 1), ImVec2(p.x + ls.x + 5, p.y + ls.y + 1), IM_COL32(20, 22, 28, 220));
  dl->AddText(ImVec2(p.x + 3, p.y + 1), IM_COL32(180, 180, 180, 255), label);
}

void runnerLine(const char* name, const RunnerStatus& r) {
  ImGui::Text("%s: %s%s", name, r.busy ? "busy " : "idle", r.busy ? r.runningSlot.c_str() : "");
  char tip[128];
  std::snprintf(tip, sizeof tip, "queued %zu, done %llu, stale results dropped %llu", r.queued,
                (unsigned long long)r.completed, (unsigned long long)r.dropped);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
  // The counts follow on the line when they fit (a narrow panel at 2x keeps them in the tooltip).
  char counts[96];
  std::snprintf(counts, sizeof counts, "q %zu  done %llu  drop %llu", r.queued, (unsigned long long)r.completed,
                (unsigned long long)r.dropped);
  float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(counts).x <= right) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", counts);
  }
}

// "2.4" below 10 ms, "107" above: the readout stays short enough for a narrow panel.
std::string ms(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f" : "%.0f", v);
  return buf;
}
}  // namespace

std::string PerformancePanel::readout(const PerfStats& perf) {
  bool work = !perf.workMs.empty();
  const std::vector<float>& v = work ? perf.workMs : perf.frameMs;
  std::string p50 = ms(PerfStats::percentile(v, 0.5)), p99 = ms(PerfStats::percentile(v, 0.99));
  if (work) return "work per frame p50 " + p50 + "  p99 " + p99 + " ms";
  return "frame interval p50 " + p50 + "  p99 " + p99 + " ms (includes waiting)";
}

void PerformancePanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  if (ctx.perf) {
    bool work = !ctx.perf->workMs.empty();
    m_readout = readout(*ctx.perf);
    ImGui::TextWrapped("%s", m_readout.c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip(work ? "Time from the start of a frame to the picture on screen: input, panels, drawing.\n"
                               "Waiting for input while nothing moves is not counted."
                             : "Time between frames, including the wait for input while idle.");
    notesToggle(ctx), itemRect("notes");
    float h = std::max(ImGui::GetFontSize() * 3, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 5.5f);  // room for the 5 lines below
    plot(work ? ctx.perf->workMs : ctx.perf->frameMs, ImVec2(ImGui::GetContentRegionAvail().x, h));
  }
  if (!ctx.perf) notesToggle(ctx), itemRect("notes");
  if (const EngineClient* e = ctx.engine) {
    std::vector<float> d(e->decodeMsHistory.begin(), e->decodeMsHistory.end());
    // Short enough for the narrow panel at 2x.
    if (d.empty()) ImGui::TextDisabled("decode: none yet");
    else ImGui::Text("decode p50 %.0f  p99 %.0f ms", PerfStats::percentile(d, 0.5), PerfStats::percentile(d, 0.99));
    if (ImGui::IsItemHovered() && !d.empty())
      ImGui::SetTooltip("From moving the cursor to having its decoded image; last %.1f ms.", e->lastDecodeMs);
    runnerLine("interactive", e->interactive().status());
    runnerLine("background", e->background().status());
    runnerLine("sampler", e->sampler().status());
    // A pixel diffusion model has no map model: its device is the diffusion model's.
    m_device = e->model() ? e->model()->device : e->diffusion() ? e->diffusion()->device : "no model";
    if (auto t = e->tokenModel()) m_device = t->device();
    ImGui::Text("%s, %d intra-op thread(s)", m_device.c_str(), e->threads());
  }
}

}  // namespace latentlab
