#include "app/steer/steer_map_overlay.h"

#include <algorithm>
#include <string>
#include <tuple>

#include "app/engine_client.h"

namespace latentlab {

namespace {
// Where a latent sits on the map: the plane's projection, or on a t-SNE / UMAP map (no plane)
// the map's own placement of it (app/map_projection.h).
bool toMap(const PanelContext& ctx, const MapRect& r, const std::vector<float>& z, ImVec2& out) {
  const AppState& s = ctx.state;
  if (z.empty()) return false;
  double u, v;
  if (ctx.engine) {
    if (!ctx.engine->map().place(s, z, u, v)) return false;
  } else {
    if (int(z.size()) != s.plane.dim()) return false;
    std::tie(u, v) = s.plane.project(z.data());
  }
  s.view.toScreen(r, u, v, out.x, out.y);
  return true;
}
}  // namespace

void setLatentOverlay(AppState& s, AppState::LatentOverlay o) {
  o.frame = ImGui::GetFrameCount();
  for (auto& e : s.latentOverlays)
    if (e.owner == o.owner) {
      e = std::move(o);
      return;
    }
  s.latentOverlays.push_back(std::move(o));
}

void drawSteerOverlay(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  const AppState& s = ctx.state;
  float fs = ImGui::GetFontSize();
  int now = ImGui::GetFrameCount();
  for (const auto& o : s.latentOverlays) {
    // The map draws before the panels that write these: last frame's marks are current.
    if (o.frame < now - 1) continue;
    ImVec4 c = ImGui::ColorConvertU32ToFloat4(o.color);
    ImU32 col = o.color, dim = ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, 0.55f));
    std::vector<ImVec2> pts;
    for (const auto& z : o.line) {
      ImVec2 p;
      if (toMap(ctx, r, z, p)) pts.push_back(p);
    }
    ImU32 shadow = IM_COL32(0, 0, 0, 170);
    for (size_t i = 1; i < pts.size(); ++i) dl->AddLine(pts[i - 1], pts[i], shadow, 4.f);
    for (size_t i = 1; i < pts.size(); ++i) dl->AddLine(pts[i - 1], pts[i], col, 2.f);
    for (auto& p : pts) dl->AddCircleFilled(p, 2.5f, dim);
    if (o.current >= 0 && size_t(o.current) < pts.size()) {
      dl->AddCircleFilled(pts[size_t(o.current)], fs * 0.38f, shadow);
      dl->AddCircleFilled(pts[size_t(o.current)], fs * 0.3f, col);
    }
    for (size_t i = 0; i < o.marks.size(); ++i) {
      ImVec2 p;
      if (!toMap(ctx, r, o.marks[i], p)) continue;
      dl->AddCircle(p, fs * 0.45f, shadow, 16, 4.f);
      dl->AddCircle(p, fs * 0.45f, col, 16, 2.f);
      if (i < o.labels.size() && !o.labels[i].empty()) {
        const std::string& t = o.labels[i];
        ImVec2 sz = ImGui::CalcTextSize(t.c_str());
        ImVec2 at(p.x + fs * 0.5f, p.y - fs * 0.5f - sz.y);
        dl->AddRectFilled(ImVec2(at.x - 2, at.y), ImVec2(at.x + sz.x + 2, at.y + sz.y), IM_COL32(12, 13, 17, 225), 3.f);
        dl->AddText(at, col, t.c_str());
        ctx.rects["overlay-label:" + t] = ImVec4(at.x, at.y, sz.x, sz.y);
      }
    }
  }
}

}  // namespace latentlab
