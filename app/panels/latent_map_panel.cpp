#include "app/panels/latent_map_panel.h"

#include <cmath>
#include <cstdio>

#include "app/engine_client.h"
#include "app/panels/diffusion_map_overlay.h"
#include "engine/data/dataset.h"

namespace latentlab {

const char* LatentMapPanel::notes() const {
  return "Every dot is one image of the data set, placed by the encoder: images the model thinks "
         "are alike land close together. The map is a flat slice (a plane) through the model's "
         "latent space; by default the slice that shows the most spread of the data (PCA). "
         "Press and drag with the left mouse button to move the cursor: the picture on the right "
         "is what the decoder draws for exactly that point. Click a dot to compare an image with "
         "its reconstruction. Right-drag pans, the wheel zooms, the legend hides classes.";
}

void LatentMapPanel::drawToolbar(PanelContext& ctx) {
  AppState& s = ctx.state;
  const char* modes[] = {"pca", "axes", "points", "custom"};
  const char* labels[] = {"PCA of the data", "Two latent axes", "Through 3 points", "Custom (session)"};
  int current = 0;
  for (int i = 0; i < 4; ++i)
    if (s.planeMode == modes[i]) current = i;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (ImGui::Combo("Plane", &current, labels, s.plane.origin.empty() && s.planeMode != "custom" ? 3 : 4)) {
    if (current == 2) {
      m_picking = 1;  // the plane changes once three points are picked
    } else {
      s.planeMode = modes[current];
      ctx.requests.planeChanged = true;
    }
  }
  if (s.planeMode == "axes") {
    int dim = s.plane.dim();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
    int a[2] = {s.axisI, s.axisJ};
    if (ImGui::InputInt2("dims", a) && a[0] != a[1] && a[0] >= 0 && a[1] >= 0 && a[0] < dim && a[1] < dim) {
      s.axisI = a[0];
      s.axisJ = a[1];
      ctx.requests.planeChanged = true;
    }
  }
  ImGui::SameLine();
  if (m_picking > 0) {
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "Click point %d of 3", m_picking);
    ImGui::SameLine();
    if (ImGui::SmallButton("Stop")) m_picking = 0;
  } else if (ImGui::SmallButton("Pick 3 points")) {
    m_picking = 1;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Fit") && ctx.points) s.view.fit(ctx.points->uv);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5);
  ImGui::SliderFloat("Dot size", &s.pointSize, 1.f, 10.f, "%.0f");
  notesToggle(ctx);
}

void LatentMapPanel::drawLegend(PanelContext& ctx, float width, float height) {
  ImGui::BeginChild("legend", ImVec2(width, height), false);
  ImGui::TextDisabled("Classes");
  const MapPoints* pts = ctx.points;
  if (pts) {
    for (size_t c = 0; c < pts->classNames.size(); ++c) {
      if (ctx.state.hiddenClasses.size() <= c) ctx.state.hiddenClasses.resize(c + 1, false);
      bool hidden = ctx.state.hiddenClasses[c];
      ImU32 col = classColor(int(c));
      ImVec4 cv = ImGui::ColorConvertU32ToFloat4(col);
      if (hidden) cv.w = 0.25f;
      ImGui::PushID(int(c));
      ImGui::ColorButton("##c", cv, ImGuiColorEditFlags_NoTooltip, ImVec2(ImGui::GetFontSize(), ImGui::GetFontSize()));
      ImGui::SameLine();
      if (hidden) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      if (ImGui::Selectable(pts->classNames[c].c_str(), false)) ctx.state.hiddenClasses[c] = !hidden;
      if (hidden) ImGui::PopStyleColor();
      ImGui::PopID();
    }
    if (!pts->classNames.empty() && ImGui::SmallButton("Show all"))
      std::fill(ctx.state.hiddenClasses.begin(), ctx.state.hiddenClasses.end(), false);
  }
  ImGui::EndChild();
}

void LatentMapPanel::drawOverlays(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  AppState& s = ctx.state;
  const MapPoints* pts = ctx.points;
  float fs = ImGui::GetFontSize();
  auto mark = [&](int64_t i, ImU32 col, float radius, const char* text) {
    if (!pts || i < 0 || size_t(i) >= pts->count()) return;
    float x, y;
    s.view.toScreen(r, pts->uv[size_t(i) * 2], pts->uv[size_t(i) * 2 + 1], x, y);
    dl->AddCircle(ImVec2(x, y), radius, col, 16, 2.f);
    if (text) dl->AddText(ImVec2(x + radius, y - radius - fs), col, text);
  };
  if (s.gridOverlay && ctx.engine && ctx.engine->grid.k >= 2) {
    // The manifold grid over the map: each decode centred on the plane point it came from.
    const GridImages& g = ctx.engine->grid;
    double ppu = s.view.pixelsPerUnit(r);
    float tw = float((g.u1 - g.u0) / (g.k - 1) * ppu), th = float((g.v1 - g.v0) / (g.k - 1) * ppu);
    ImTextureID tex = ctx.textures.texture("grid-atlas", g.atlas, g.version, s.nearestFilter);
    float du = 1.f / float(g.k);
    for (int row = 0; tex && row < g.k; ++row)
      for (int col = 0; col < g.k; ++col) {
        float x, y;
        s.view.toScreen(r, g.u0 + (g.u1 - g.u0) * col / (g.k - 1), g.v1 - (g.v1 - g.v0) * row / (g.k - 1), x, y);
        // A tile of the atlas: all tiles share one texture, so ImGui batches them.
        dl->AddImage(tex, ImVec2(x - tw * 0.5f, y - th * 0.5f), ImVec2(x + tw * 0.5f, y + th * 0.5f),
                     ImVec2(col * du, row * du), ImVec2((col + 1) * du, (row + 1) * du), IM_COL32(255, 255, 255, 190));
      }
  }
  mark(s.selected, IM_COL32(255, 255, 255, 255), fs * 0.45f, nullptr);
  if (m_hovered >= 0) mark(m_hovered, IM_COL32(255, 255, 255, 160), fs * 0.35f, nullptr);
  for (int k = 0; k < 3; ++k) {
    char t[2] = {char('A' + k), 0};
    if (s.planeMode == "points") mark(s.planePoints[size_t(k)], IM_COL32(255, 210, 80, 255), fs * 0.4f, t);
    if (m_picking > k) mark(m_picked[size_t(k)], IM_COL32(255, 160, 40, 255), fs * 0.4f, t);
  }
  drawDiffusionOverlay(ctx, dl, r);
  if (s.hasCursor) {
    float x, y;
    s.view.toScreen(r, s.cursorU, s.cursorV, x, y);
    float a = fs * 0.7f;
    ImU32 dark = IM_COL32(0, 0, 0, 200), light = IM_COL32(255, 255, 255, 255);
    dl->AddCircle(ImVec2(x, y), a, dark, 24, 4.f);
    dl->AddCircle(ImVec2(x, y), a, light, 24, 2.f);
    dl->AddLine(ImVec2(x - a * 1.6f, y), ImVec2(x - a * 0.5f, y), light, 2.f);
    dl->AddLine(ImVec2(x + a * 0.5f, y), ImVec2(x + a * 1.6f, y), light, 2.f);
    dl->AddLine(ImVec2(x, y - a * 1.6f), ImVec2(x, y - a * 0.5f), light, 2.f);
    dl->AddLine(ImVec2(x, y + a * 0.5f), ImVec2(x, y + a * 1.6f), light, 2.f);
  }
}

void LatentMapPanel::drawMap(PanelContext& ctx, ImVec2 size) {
  AppState& s = ctx.state;
  ImGuiIO& io = ImGui::GetIO();
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  size.x = std::max(size.x, 50.f);
  size.y = std::max(size.y, 50.f);
  ImGui::InvisibleButton("##mapcanvas", size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                             ImGuiButtonFlags_MouseButtonMiddle);
  MapRect r{p0.x, p0.y, size.x, size.y};
  ctx.rects["map"] = ImVec4(r.x, r.y, r.w, r.h);
  bool hovered = ImGui::IsItemHovered();
  bool active = ImGui::IsItemActive();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(22, 24, 30, 255));

  const MapPoints* pts = ctx.points;
  // Axes through the plane origin (u = 0, v = 0) give a sense of where the middle is.
  float ox, oy;
  s.view.toScreen(r, 0, 0, ox, oy);
  dl->AddLine(ImVec2(ox, r.y), ImVec2(ox, r.y + r.h), IM_COL32(70, 75, 90, 255));
  dl->AddLine(ImVec2(r.x, oy), ImVec2(r.x + r.w, oy), IM_COL32(70, 75, 90, 255));

  if (pts && pts->count() > 0) {
    PointsDrawer::View v{p0, ImVec2(p0.x + size.x, p0.y + size.y), s.view.centerU, s.view.centerV,
                         s.view.pixelsPerUnit(r), s.pointSize};
    if (!ctx.pointsDrawer.draw(dl, *pts, s.hiddenClasses, v)) {
      float h = s.pointSize * 0.5f;
      for (size_t i = 0; i < pts->count(); ++i) {
        int label = pts->labels.empty() ? -1 : pts->labels[i];
        if (s.classHidden(label)) continue;
        float x, y;
        s.view.toScreen(r, pts->uv[2 * i], pts->uv[2 * i + 1], x, y);
        if (x < r.x - h || y < r.y - h || x > r.x + r.w + h || y > r.y + r.h + h) continue;
        dl->AddRectFilled(ImVec2(x - h, y - h), ImVec2(x + h, y + h), classColor(label));
      }
    }
  } else {
    const char* msg = "No map yet: load a model and encode a data set (Model panel).";
    if (ctx.engine && (ctx.engine->loading() || ctx.engine->encoding())) msg = "Encoding the data set...";
    dl->AddText(ImVec2(p0.x + 20, p0.y + 20), IM_COL32(200, 200, 200, 255), msg);
  }

  // Input. Left press/drag moves the decode cursor; a short click also selects/picks a point.
  if (hovered && io.MouseWheel != 0) s.view.zoomAt(r, io.MousePos.x, io.MousePos.y, std::pow(1.15, io.MouseWheel));
  if (active && (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0)))
    s.view.panPixels(r, io.MouseDelta.x, io.MouseDelta.y);
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    m_cursorDrag = !s.plane.origin.empty();
    m_pressPos = io.MousePos;
  }
  if (m_cursorDrag && io.MouseDown[0]) {
    double u, v;
    s.view.toPlane(r, io.MousePos.x, io.MousePos.y, u, v);
    s.hasCursor = true;
    s.cursorU = u;
    s.cursorV = v;
  }
  bool released = ImGui::IsMouseReleased(ImGuiMouseButton_Left);
  int64_t near = -1;
  if (pts && (hovered || released))
    near = pickNearest(s.view, r, pts->uv, pts->labels, s.hiddenClasses, io.MousePos.x, io.MousePos.y,
                       std::max(6.f, s.pointSize * 1.5f));
  if (released && m_cursorDrag) {
    float dx = io.MousePos.x - m_pressPos.x, dy = io.MousePos.y - m_pressPos.y;
    if (dx * dx + dy * dy < 16 && near >= 0) {
      if (m_picking > 0) {
        m_picked[size_t(m_picking - 1)] = near;
        if (++m_picking > 3) {
          s.planePoints = m_picked;
          s.planeMode = "points";
          ctx.requests.planeChanged = true;
          m_picking = 0;
        }
      } else {
        s.selected = near;
      }
    }
    m_cursorDrag = false;
  }
  m_hovered = hovered && !io.MouseDown[0] ? near : -1;

  drawOverlays(ctx, dl, r);
  dl->PopClipRect();

  if (m_hovered >= 0 && pts) {
    ImGui::BeginTooltip();
    int label = pts->labels.empty() ? -1 : pts->labels[size_t(m_hovered)];
    if (ctx.data && m_hovered < ctx.data->count) {
      Image img = ctx.data->image(m_hovered);
      ImTextureID tex = ctx.textures.texture("hover", img, uint64_t(m_hovered) + 1, true);
      if (tex) ImGui::Image(tex, ImVec2(ImGui::GetFontSize() * 5, ImGui::GetFontSize() * 5));
    }
    std::string name = label >= 0 && size_t(label) < pts->classNames.size() ? pts->classNames[size_t(label)] : "?";
    ImGui::Text("#%lld  %s", (long long)m_hovered, name.c_str());
    ImGui::EndTooltip();
  }
}

void LatentMapPanel::drawContent(PanelContext& ctx) {
  if (ctx.engine && ctx.engine->diffusion() && !ctx.engine->model()) {
    // A pixel diffusion model has no encoder, so there is no latent space to map.
    ImGui::TextWrapped("%s is a diffusion model: it has no latent map. Use the Diffusion panel to sample from it.",
                       ctx.engine->diffusion()->name.c_str());
    return;
  }
  drawToolbar(ctx);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float legendW = ImGui::GetFontSize() * 8.5f;
  drawMap(ctx, ImVec2(avail.x - legendW - ImGui::GetStyle().ItemSpacing.x, avail.y));
  ImGui::SameLine();
  drawLegend(ctx, legendW, avail.y);
}

}  // namespace latentlab
