#include "app/panels/diffusion_map_overlay.h"

#include <algorithm>
#include <vector>

#include "app/engine_client.h"

namespace latentlab {

namespace {

bool project(const AppState& s, const MapRect& r, const std::vector<float>& z, ImVec2& out) {
  if (z.empty() || int(z.size()) != s.plane.dim()) return false;
  auto [u, v] = s.plane.project(z.data());
  s.view.toScreen(r, u, v, out.x, out.y);
  return true;
}

void label(ImDrawList* dl, ImVec2 p, ImU32 col, const char* text) {
  float fs = ImGui::GetFontSize();
  dl->AddText(ImVec2(p.x + fs * 0.5f + 1, p.y - fs * 1.2f + 1), IM_COL32(0, 0, 0, 220), text);
  dl->AddText(ImVec2(p.x + fs * 0.5f, p.y - fs * 1.2f), col, text);
}

}  // namespace

void drawDiffusionOverlay(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  const EngineClient* e = ctx.engine;
  const AppState& s = ctx.state;
  if (!e || !e->diffusion() || !e->diffusion()->latent || s.plane.origin.empty()) return;
  float fs = ImGui::GetFontSize();
  if (s.diffusionTab == "noise") {
    const auto& n = e->noised;
    ImVec2 q;
    if (n.version == 0 || !project(s, r, n.result.latent, q)) return;
    const MapPoints* pts = ctx.points;
    if (pts && n.index >= 0 && size_t(n.index) < pts->count()) {
      float x, y;
      s.view.toScreen(r, pts->uv[size_t(n.index) * 2], pts->uv[size_t(n.index) * 2 + 1], x, y);
      dl->AddLine(ImVec2(x, y), q, IM_COL32(255, 255, 255, 160), 1.5f);
      dl->AddCircle(ImVec2(x, y), fs * 0.4f, IM_COL32(255, 255, 255, 255), 16, 2.f);
      label(dl, ImVec2(x, y), IM_COL32(255, 255, 255, 255), "x_0");
    }
    dl->AddCircleFilled(q, fs * 0.35f, IM_COL32(255, 200, 60, 255));
    label(dl, q, IM_COL32(255, 200, 60, 255), "x_t");
    return;
  }
  if (s.diffusionTab != "denoise" && s.diffusionTab != "compare") return;
  const auto& frames = e->sampleA.frames;
  int last = std::min(s.diffusionShownStep, int(frames.size()) - 1);
  if (last < 0) return;
  std::vector<ImVec2> path;
  for (int i = 0; i <= last; ++i) {
    ImVec2 p;
    if (project(s, r, frames[size_t(i)].latent, p)) path.push_back(p);
  }
  if (path.empty()) return;
  // Older steps fade: the eye follows the sample from grey noise to the bright end.
  for (size_t i = 1; i < path.size(); ++i) {
    auto a = int(80 + 175 * float(i) / float(path.size()));
    dl->AddLine(path[i - 1], path[i], IM_COL32(255, 220, 120, a), 2.f);
  }
  for (size_t i = 0; i + 1 < path.size(); ++i) dl->AddCircleFilled(path[i], 2.5f, IM_COL32(255, 220, 120, 180));
  label(dl, path.front(), IM_COL32(200, 200, 200, 255), "noise");
  ImVec2 x0;
  if (project(s, r, frames[size_t(last)].latentX0, x0)) {
    dl->AddLine(path.back(), x0, IM_COL32(120, 220, 255, 140), 1.f);
    dl->AddCircle(x0, fs * 0.4f, IM_COL32(120, 220, 255, 255), 16, 2.f);
    label(dl, x0, IM_COL32(120, 220, 255, 255), "predicted x0");
  }
  dl->AddCircleFilled(path.back(), fs * 0.35f, IM_COL32(255, 200, 60, 255));
  label(dl, path.back(), IM_COL32(255, 200, 60, 255), "x_t");
}

}  // namespace latentlab
