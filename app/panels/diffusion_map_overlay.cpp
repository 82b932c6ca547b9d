#include "app/panels/diffusion_map_overlay.h"

#include <algorithm>
#include <string>
#include <vector>

#include "app/engine_client.h"
#include "app/panels/label_layout.h"

namespace latentlab {

namespace {

bool project(const AppState& s, const MapRect& r, const std::vector<float>& z, ImVec2& out) {
  if (z.empty() || int(z.size()) != s.plane.dim()) return false;
  auto [u, v] = s.plane.project(z.data());
  s.view.toScreen(r, u, v, out.x, out.y);
  return true;
}

struct Label {
  ImVec2 at;
  ImU32 color;
  const char* text;
};

// Draws the labels where none overlaps another or covers a marked point (the path's start,
// x_t and predicted x0 are often on top of each other: a one-step run starts where it ends),
// and reports each label's rectangle as "overlay-label:<text>".
void drawLabels(PanelContext& ctx, ImDrawList* dl, const MapRect& r, const std::vector<Label>& labels) {
  float fs = ImGui::GetFontSize();
  std::vector<LabelRequest> req;
  for (const Label& l : labels) req.push_back({l.at, ImGui::CalcTextSize(l.text)});
  std::vector<ImVec4> rects = placeLabels(req, ImVec4(r.x, r.y, r.w, r.h), fs * 0.5f);
  for (size_t i = 0; i < labels.size(); ++i) {
    ImVec2 p(rects[i].x, rects[i].y);
    // A nearly opaque backing: the labels sit on the path and on dots of every colour.
    dl->AddRectFilled(ImVec2(p.x - 2, p.y), ImVec2(p.x + rects[i].z + 2, p.y + rects[i].w), IM_COL32(12, 13, 17, 225),
                      3.f);
    dl->AddText(p, labels[i].color, labels[i].text);
    ctx.rects[std::string("overlay-label:") + labels[i].text] = rects[i];
  }
}

}  // namespace

void drawDiffusionOverlay(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  const EngineClient* e = ctx.engine;
  const AppState& s = ctx.state;
  if (!e || !e->diffusion() || !e->diffusion()->latent || s.plane.origin.empty()) return;
  float fs = ImGui::GetFontSize();
  std::vector<Label> labels;
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
      labels.push_back({ImVec2(x, y), IM_COL32(255, 255, 255, 255), "x_0"});
    }
    dl->AddCircleFilled(q, fs * 0.35f, IM_COL32(255, 200, 60, 255));
    labels.push_back({q, IM_COL32(255, 200, 60, 255), "x_t"});
    drawLabels(ctx, dl, r, labels);
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
  // x_t first: the label a student follows gets the best spot.
  labels.push_back({path.back(), IM_COL32(255, 200, 60, 255), "x_t"});
  ImVec2 x0;
  if (project(s, r, frames[size_t(last)].latentX0, x0)) {
    dl->AddLine(path.back(), x0, IM_COL32(120, 220, 255, 140), 1.f);
    dl->AddCircle(x0, fs * 0.4f, IM_COL32(120, 220, 255, 255), 16, 2.f);
    labels.push_back({x0, IM_COL32(120, 220, 255, 255), "predicted x0"});
  }
  labels.push_back({path.front(), IM_COL32(200, 200, 200, 255), "noise"});
  dl->AddCircleFilled(path.back(), fs * 0.35f, IM_COL32(255, 200, 60, 255));
  drawLabels(ctx, dl, r, labels);
}

}  // namespace latentlab
