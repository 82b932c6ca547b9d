#include "app/panels/latent_map_panel.h"

#include "app/map_lasso.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/engine_client.h"
#include "app/panels/axis_ticks.h"
#include "app/panels/diffusion_map_overlay.h"
#include "app/panels/flow_row.h"
#include "app/panels/grid_geometry.h"
#include "app/panels/param_help.h"
#include "app/steer/steer_map_overlay.h"
#include "app/map_projection.h"
#include "engine/data/dataset.h"
#include "engine/projection/projection.h"

namespace latentlab {

const char* LatentMapPanel::notes() const {
  return "Every dot is one image of the data set, placed by the encoder: images the model thinks "
         "are alike land close together. The map is a flat slice (a plane) through the model's "
         "latent space; by default the slice that shows the most spread of the data (PCA). "
         "Press and drag with the left mouse button to move the cursor: the picture on the right "
         "is what the decoder draws for exactly that point. Click a dot to compare an image with "
         "its reconstruction. Right-drag pans, the wheel zooms, the legend hides classes. "
         "t-SNE and UMAP (Plane menu) bend the map so that neighbours stay neighbours: clusters show, "
         "but distances between clusters mean little and there is no exact way back to the latent; "
         "dragging there decodes a blend of the nearest points' latents, and the line at the bottom "
         "says how far that blend had to reach. Shift + drag draws a lasso around dots for group A, "
         "Ctrl + drag for group B (Shift/Ctrl + click adds or removes one dot): the Directions panel's "
         "'Two groups' arrow points from A to B.";
}

void LatentMapPanel::drawToolbar(PanelContext& ctx) {
  AppState& s = ctx.state;
  // The registry's projections (three-points is plane mode "points"), then a session's plane.
  std::vector<std::string> modes, labels;
  for (const auto& e : projections()) {
    modes.push_back(e.name == "three-points" ? "points" : e.name);
    labels.push_back(e.label);
  }
  modes.push_back("custom");
  labels.push_back("Custom (session)");
  int current = 0;
  for (size_t i = 0; i < modes.size(); ++i)
    if (s.planeMode == modes[i]) current = int(i);
  bool hasMap = ctx.points && ctx.points->count() > 0;
  int shown = int(modes.size()) - (s.plane.origin.empty() && s.planeMode != "custom" ? 1 : 0);
  float fs = ImGui::GetFontSize();
  FlowRow row;  // wraps onto a second line rather than pushing Fit and Dot size out of sight
  row.next(FlowRow::labeled(fs * 10, "Plane"));
  ImGui::SetNextItemWidth(fs * 10);
  if (ImGui::BeginCombo("Plane", labels[size_t(current)].c_str())) {
    for (int i = 0; i < shown; ++i) {
      bool iterative = MapProjection::nonlinear(modes[size_t(i)]);
      bool enabled = !iterative || (ctx.engine && hasMap);
      if (ImGui::Selectable(labels[size_t(i)].c_str(), i == current, enabled ? 0 : ImGuiSelectableFlags_Disabled)) {
        if (modes[size_t(i)] == "points") {
          m_picking = 1;  // the plane changes once three points are picked
        } else if (i != current) {
          s.planeMode = modes[size_t(i)];
          ctx.requests.planeChanged = true;
        }
      }
      for (const auto& e : projections())
        if ((e.name == modes[size_t(i)] || (e.name == "three-points" && modes[size_t(i)] == "points")) &&
            ImGui::IsItemHovered())
          ImGui::SetTooltip("%s", e.help.c_str());
    }
    ImGui::EndCombo();
  }
  itemHelp("plane");
  if (s.planeMode == "axes") {
    int dim = s.plane.dim();
    row.next(FlowRow::labeled(fs * 6, "dims"));
    ImGui::SetNextItemWidth(fs * 6);
    int a[2] = {s.axisI, s.axisJ};
    if (ImGui::InputInt2("dims", a) && a[0] != a[1] && a[0] >= 0 && a[1] >= 0 && a[0] < dim && a[1] < dim) {
      s.axisI = a[0];
      s.axisJ = a[1];
      ctx.requests.planeChanged = true;
    }
    itemHelp("plane-dims");
  }
  if (m_picking > 0) {
    char msg[32];
    std::snprintf(msg, sizeof msg, "Click point %d of 3", m_picking);
    row.next(FlowRow::text(msg));
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "%s", msg);
    row.next(FlowRow::button("Stop"));
    if (ImGui::SmallButton("Stop")) m_picking = 0;
  } else {
    row.next(FlowRow::button("Pick 3 points"));
    if (ImGui::SmallButton("Pick 3 points")) m_picking = 1;
    itemHelp("pick-points");
  }
  row.next(FlowRow::button("Fit"));
  if (ImGui::SmallButton("Fit") && ctx.points) s.view.fit(ctx.points->uv);
  itemHelp("fit");
  row.next(FlowRow::labeled(fs * 5, "Dot size"));
  ImGui::SetNextItemWidth(fs * 5);
  ImGui::SliderFloat("Dot size", &s.pointSize, 1.f, 10.f, "%.0f");
  itemHelp("dot-size");
  notesToggle(ctx), itemRect("notes");
}

void LatentMapPanel::drawLegend(PanelContext& ctx, float width, float height) {
  ImGui::BeginChild("legend", ImVec2(width, height), false);
  ImGui::TextDisabled("Classes");
  const MapPoints* pts = ctx.points;
  m_swatches.clear();
  if (pts) {
    float fs = ImGui::GetFontSize();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (size_t c = 0; c < pts->classNames.size(); ++c) {
      if (ctx.state.hiddenClasses.size() <= c) ctx.state.hiddenClasses.resize(c + 1, false);
      bool hidden = ctx.state.hiddenClasses[c];
      ImGui::PushID(int(c));
      // The whole row (swatch and name) toggles the class.
      if (ImGui::Selectable("##class", false, 0, ImVec2(0, fs))) ctx.state.hiddenClasses[c] = !hidden;
      itemHelp("legend-class", hidden ? "Hidden now." : nullptr);
      ImVec2 p = ImGui::GetItemRectMin();
      // A hidden class keeps only a dim outline of its colour, so the legend says at a glance
      // which dots are off the map.
      ImVec4 cv = ImGui::ColorConvertU32ToFloat4(classColor(int(c)));
      Swatch sw;
      if (hidden) {
        sw.fill = 0;
        sw.border = ImGui::ColorConvertFloat4ToU32(ImVec4(cv.x, cv.y, cv.z, 0.45f));
      } else {
        sw.fill = ImGui::ColorConvertFloat4ToU32(ImVec4(cv.x, cv.y, cv.z, 1.f));
        sw.border = sw.fill;
      }
      ImVec2 a(p.x + 1, p.y + 1), b(p.x + fs - 1, p.y + fs - 1);
      if (sw.fill) dl->AddRectFilled(a, b, sw.fill, 2.f);
      dl->AddRect(a, b, sw.border, 2.f, 0, 1.5f);
      ImU32 text = ImGui::GetColorU32(hidden ? ImGuiCol_TextDisabled : ImGuiCol_Text);
      dl->AddText(ImVec2(p.x + fs * 1.4f, p.y), text, pts->classNames[c].c_str());
      m_swatches.push_back(sw);
      ImGui::PopID();
    }
    if (!pts->classNames.empty()) {
      if (ImGui::SmallButton("Show all")) std::fill(ctx.state.hiddenClasses.begin(), ctx.state.hiddenClasses.end(), false);
      itemHelp("show-all");
    }
  }
  ImGui::EndChild();
}

void LatentMapPanel::drawTicks(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  // Ticks in plane units along the bottom and left edges: distances on the map can be read
  // and compared between zooms (the two directions share one scale).
  const AppState& s = ctx.state;
  float fs = ImGui::GetFontSize();
  double u0, u1, v0, v1;
  s.view.bounds(r, u0, u1, v0, v1);
  ImU32 line = IM_COL32(150, 155, 170, 255), text = IM_COL32(175, 180, 195, 255), back = IM_COL32(22, 24, 30, 200);
  float tickLen = fs * 0.4f;
  m_ticks.clear();
  // As many ticks as their labels allow: from dense to sparse until a label and a gap fit
  // between neighbours.
  Ticks tu;
  for (int n = std::max(2, int(r.w / (fs * 2))); n >= 2; --n) {
    tu = niceTicks(u0, u1, n);
    float widest = 0;
    for (double u : tu.values) widest = std::max(widest, ImGui::CalcTextSize(tickLabel(u, tu.step).c_str()).x);
    if (tu.step * s.view.pixelsPerUnit(r) >= widest + fs * 1.5f) break;
  }
  if (tu.step <= 0) return;
  float labelW = ImGui::CalcTextSize(tickLabel(u0, tu.step).c_str()).x + fs;  // room kept for the v labels
  // The same spacing on both axes: one unit is as long across as it is up.
  Ticks tv;
  tv.step = tu.step;
  for (double k = std::ceil(v0 / tu.step); k * tu.step <= v1; k += 1) tv.values.push_back(k * tu.step);
  float bottom = r.y + r.h, left = r.x;
  for (double u : tu.values) {
    float x, y;
    s.view.toScreen(r, u, v0, x, y);
    std::string label = tickLabel(u, tu.step);
    ImVec2 sz = ImGui::CalcTextSize(label.c_str());
    ImVec4 box(x - sz.x * 0.5f, bottom - tickLen - sz.y - 1, sz.x, sz.y);
    if (box.x < left + labelW || box.x + box.z > r.x + r.w - 2) continue;  // clear of the v labels and the edge
    dl->AddLine(ImVec2(x, bottom - tickLen), ImVec2(x, bottom), line, 1.f);
    dl->AddRectFilled(ImVec2(box.x - 2, box.y), ImVec2(box.x + box.z + 2, box.y + box.w), back, 2.f);
    dl->AddText(ImVec2(box.x, box.y), text, label.c_str());
    m_ticks.push_back({false, u, x, box});
  }
  for (double v : tv.values) {
    float x, y;
    s.view.toScreen(r, u0, v, x, y);
    std::string label = tickLabel(v, tv.step);
    ImVec2 sz = ImGui::CalcTextSize(label.c_str());
    // The label sits just above its tick: beside it, the tick mark read as a minus sign.
    ImVec4 box(left + 3, y - sz.y - 1, sz.x, sz.y);
    if (box.y < r.y + fs * 1.5f || box.y + box.w > bottom - tickLen - sz.y - 2) continue;  // clear of the u labels
    if (m_noteRect.w > 0 && box.y + box.w > m_noteRect.y - 2 && box.y < m_noteRect.y + m_noteRect.w + 2) continue;  // and of the decode note
    dl->AddLine(ImVec2(left, y), ImVec2(left + tickLen, y), line, 1.f);
    dl->AddRectFilled(ImVec2(box.x - 2, box.y), ImVec2(box.x + box.z + 2, box.y + box.w), back, 2.f);
    dl->AddText(ImVec2(box.x, box.y), text, label.c_str());
    m_ticks.push_back({true, v, y, box});
  }
  // Which directions the map shows: the principal components, or latent dimensions.
  std::string un = "u", vn = "v";
  if (s.planeMode == "pca") un = "PC1", vn = "PC2";
  else if (s.planeMode == "axes") un = "z" + std::to_string(s.axisI), vn = "z" + std::to_string(s.axisJ);
  else if (s.planeMode == "tsne") un = "t-SNE 1", vn = "t-SNE 2";
  else if (s.planeMode == "umap") un = "UMAP 1", vn = "UMAP 2";
  ImVec2 usz = ImGui::CalcTextSize(un.c_str()), vsz = ImGui::CalcTextSize(vn.c_str());
  ImVec2 up(r.x + r.w - usz.x - fs * 0.4f, bottom - tickLen - usz.y * 2 - 2), vp(left + fs * 0.4f, r.y + fs * 0.3f);
  dl->AddRectFilled(ImVec2(up.x - 2, up.y), ImVec2(up.x + usz.x + 2, up.y + usz.y), back, 2.f);
  dl->AddRectFilled(ImVec2(vp.x - 2, vp.y), ImVec2(vp.x + vsz.x + 2, vp.y + vsz.y), back, 2.f);
  dl->AddText(up, text, un.c_str());
  dl->AddText(vp, text, vn.c_str());
  ctx.rects["map/axis-u"] = ImVec4(up.x, up.y, usz.x, usz.y);
  ctx.rects["map/axis-v"] = ImVec4(vp.x, vp.y, vsz.x, vsz.y);
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
    PlaneRect area{g.u0, g.u1, g.v0, g.v1};
    ImTextureID tex = ctx.textures.texture("grid-atlas", g.atlas, g.version, s.nearestFilter);
    float du = 1.f / float(g.k);
    for (int row = 0; tex && row < g.k; ++row)
      for (int col = 0; col < g.k; ++col) {
        ImVec4 t = gridTileRect(s.view, r, area, g.k, row, col);
        // A tile of the atlas: all tiles share one texture, so ImGui batches them.
        dl->AddImage(tex, ImVec2(t.x, t.y), ImVec2(t.x + t.z, t.y + t.w), ImVec2(col * du, row * du),
                     ImVec2((col + 1) * du, (row + 1) * du), IM_COL32(255, 255, 255, 190));
      }
  }
  drawTicks(ctx, dl, r);  // over the grid's pictures, under the markers
  mark(s.selected, IM_COL32(255, 255, 255, 255), fs * 0.45f, nullptr);
  if (m_hovered >= 0) mark(m_hovered, IM_COL32(255, 255, 255, 160), fs * 0.35f, nullptr);
  for (int k = 0; k < 3; ++k) {
    char t[2] = {char('A' + k), 0};
    if (s.planeMode == "points") mark(s.planePoints[size_t(k)], IM_COL32(255, 210, 80, 255), fs * 0.4f, t);
    if (m_picking > k) mark(m_picked[size_t(k)], IM_COL32(255, 160, 40, 255), fs * 0.4f, t);
  }
  drawDiffusionOverlay(ctx, dl, r);
  drawSteerOverlay(ctx, dl, r);  // interpolation path, slider moves (app/steer/)
  drawInverseNote(ctx, dl, r);
  bool cursorShown = s.hasCursor && (!MapProjection::nonlinear(s.planeMode) || (m_hasSample && !m_cursorPending));
  if (cursorShown) {
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
  // Zoom and pan first: the dots are drawn with the view this frame's input leaves, like
  // everything else on the map (tick labels, cursor), not one frame behind them.
  if (hovered && io.MouseWheel != 0) {
    s.view.zoomAt(r, io.MousePos.x, io.MousePos.y, std::pow(1.15, io.MouseWheel));
    m_layout.follow = false;  // the user took the view: a running layout stops refitting it
  }
  if (active && (ImGui::IsMouseDragging(ImGuiMouseButton_Right, 0) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle, 0))) {
    s.view.panPixels(r, io.MouseDelta.x, io.MouseDelta.y);
    m_layout.follow = false;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
  const MapPoints* pts = ctx.points;
  bool hasPoints = pts && pts->count() > 0;
  // The base layer (background, axes, points) comes from the points drawer as one cached
  // texture; without one (headless), from ImDrawList shapes.
  PointsDrawer::View v{p0, ImVec2(p0.x + size.x, p0.y + size.y), s.view.centerU, s.view.centerV,
                       s.view.pixelsPerUnit(r), s.pointSize};
  if (!hasPoints || !ctx.pointsDrawer.draw(dl, *pts, s.hiddenClasses, v)) {
    dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(22, 24, 30, 255));
    // Axes through the plane origin (u = 0, v = 0) give a sense of where the middle is.
    float ox, oy;
    s.view.toScreen(r, 0, 0, ox, oy);
    dl->AddLine(ImVec2(ox, r.y), ImVec2(ox, r.y + r.h), IM_COL32(70, 75, 90, 255));
    dl->AddLine(ImVec2(r.x, oy), ImVec2(r.x + r.w, oy), IM_COL32(70, 75, 90, 255));
    float h = s.pointSize * 0.5f;
    for (size_t i = 0; hasPoints && i < pts->count(); ++i) {
      int label = pts->labels.empty() ? -1 : pts->labels[i];
      if (s.classHidden(label)) continue;
      float x, y;
      s.view.toScreen(r, pts->uv[2 * i], pts->uv[2 * i + 1], x, y);
      if (x < r.x - h || y < r.y - h || x > r.x + r.w + h || y > r.y + r.h + h) continue;
      dl->AddRectFilled(ImVec2(x - h, y - h), ImVec2(x + h, y + h), classColor(label));
    }
  }
  if (!hasPoints) {
    const char* msg = "No map yet: load a model and encode a data set (Model panel).";
    if (ctx.engine && (ctx.engine->loading() || ctx.engine->encoding())) msg = "Encoding the data set...";
    // Centred and wrapped: in a corner it ran into the axis title at a large UI scale (QA Q23).
    float wrap = std::max(ImGui::GetFontSize() * 8, size.x * 0.7f);
    ImVec2 tsz = ImGui::CalcTextSize(msg, nullptr, false, wrap);
    ImVec2 at(p0.x + std::max(0.f, (size.x - tsz.x) * 0.5f), p0.y + std::max(0.f, (size.y - tsz.y) * 0.5f));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), at, IM_COL32(200, 200, 200, 255), msg, nullptr, wrap);
    ctx.rects["map/empty-hint"] = ImVec4(at.x, at.y, tsz.x, tsz.y);
  }

  // Input. Left press/drag moves the decode cursor; a short click also selects/picks a point.
  if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    m_pressPos = io.MousePos;
    // Shift / Ctrl + drag: a lasso into steering group A / B (the cursor stays where it is).
    if ((io.KeyShift || io.KeyCtrl) && pts && pts->count() > 0) m_lasso.begin(io.KeyCtrl ? 1 : 0, io.MousePos.x, io.MousePos.y);
    else m_cursorDrag = !s.plane.origin.empty() || (MapProjection::nonlinear(s.planeMode) && m_layout.inverse());
  }
  if (m_lasso.active() && io.MouseDown[0]) m_lasso.add(io.MousePos.x, io.MousePos.y);
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
    near = m_picker.pick(s.view, r, pts->uv, pts->version, pts->labels, s.hiddenClasses, io.MousePos.x, io.MousePos.y,
                         std::max(6.f, s.pointSize * 1.5f));
  if (released && m_lasso.active()) finishLasso(ctx, r, near);
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
  drawGroups(ctx, dl, r);
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
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  if (ctx.engine && ctx.engine->diffusion() && !ctx.engine->model()) {
    // A pixel diffusion model has no encoder, so there is no latent space to map.
    ImGui::TextWrapped("%s is a diffusion model: it has no latent map. Use the Diffusion panel to sample from it.",
                       ctx.engine->diffusion()->name.c_str());
    return;
  }
  drawToolbar(ctx);
  bool nonlinear = MapProjection::nonlinear(ctx.state.planeMode);
  if (nonlinear) {
    if (m_shownMode != ctx.state.planeMode) m_cursorPending = true;  // the cursor moves onto the new map
    m_layout.draw(ctx);
    updateNonlinearCursor(ctx);
  } else {
    if (MapProjection::nonlinear(m_shownMode)) m_layout.leave(ctx);
    m_hasSample = false;
    m_sampleInverse = nullptr;
  }
  m_shownMode = ctx.state.planeMode;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float legendW = ImGui::GetFontSize() * 8.5f;
  drawMap(ctx, ImVec2(avail.x - legendW - ImGui::GetStyle().ItemSpacing.x, avail.y));
  ImGui::SameLine();
  drawLegend(ctx, legendW, avail.y);
}

void LatentMapPanel::updateNonlinearCursor(PanelContext& ctx) {
  AppState& s = ctx.state;
  auto inverse = m_layout.inverse();
  if (!inverse) return;  // still running: the map moves, nothing to decode yet
  if (m_cursorPending) {
    // Onto this map: the cursor goes where the latent it decoded lands (kNN rule in latent
    // space), or onto the first data item.
    std::vector<float> z = ctx.engine ? ctx.engine->cursorLatent : std::vector<float>{};
    const auto& uv = inverse->layout();
    if (!z.empty() && ctx.engine->latents() && int(z.size()) == ctx.engine->latents()->dim) {
      auto [u, v] = inverse->place(z.data());
      s.cursorU = u, s.cursorV = v;
    } else if (uv.size() >= 2) {
      s.cursorU = uv[0], s.cursorV = uv[1];
    }
    s.hasCursor = true;
    m_cursorPending = false;
    m_sampleInverse = nullptr;
  }
  if (!s.hasCursor) return;
  if (m_sampleInverse != inverse.get() || m_sampleU != s.cursorU || m_sampleV != s.cursorV) {
    m_sample = inverse->at(s.cursorU, s.cursorV);
    m_hasSample = true;
    m_sampleInverse = inverse.get();
    m_sampleU = s.cursorU;
    m_sampleV = s.cursorV;
    s.mapLatent = m_sample.latent;
  }
}

void LatentMapPanel::drawInverseNote(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  // A nonlinear map has no exact inverse: say what the cursor decodes and how far it reached.
  m_noteRect = ImVec4(0, 0, 0, 0);
  m_noteText.clear();
  if (!MapProjection::nonlinear(ctx.state.planeMode)) return;
  const AppState& s = ctx.state;
  float fs = ImGui::GetFontSize();
  std::string line;
  ImU32 col = IM_COL32(200, 205, 215, 255);
  if (!m_layout.inverse()) {
    // Say what the dots are until the layout has frames of its own: before its first epoch
    // (the neighbour graph takes a while at 70,000 points) they are still the last map's.
    using St = MapLayout::State;
    St st = m_layout.state();
    int epoch = m_layout.layout() ? m_layout.layout()->frameStatus().epoch : 0;
    if (st == St::Cancelled && epoch == 0)
      line = "Cancelled before its first epoch: these are still the previous map's positions. Restart runs the "
             "layout again.";
    else if (epoch == 0 && (st == St::Running || st == St::Queued))
      line = "Preparing the layout (nearest neighbours): the dots are still the previous map's and move at the first "
             "epoch.";
    else
      line = "Drag decodes once the layout is finished or paused.";
  } else if (m_hasSample && !m_cursorPending) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "Approximate decode: blend of the %d nearest points' latents. Nearest point %.2f map units away; "
                  "latent %.2f from the nearest data latent (neighbours differ by %.2f).",
                  int(m_sample.neighbors.size()), m_sample.mapDistance, m_sample.latentDistance,
                  m_sample.typicalLatentStep);
    line = buf;
    if (m_sample.snapped) {
      line = "Outside the data: decoding at its edge (ring). " + line;
      col = IM_COL32(255, 190, 90, 255);
      float x, y, cx, cy;
      s.view.toScreen(r, m_sample.u, m_sample.v, x, y);
      s.view.toScreen(r, s.cursorU, s.cursorV, cx, cy);
      dl->AddLine(ImVec2(cx, cy), ImVec2(x, y), IM_COL32(255, 190, 90, 200), 1.5f);
      dl->AddCircle(ImVec2(x, y), fs * 0.5f, IM_COL32(255, 190, 90, 255), 20, 2.f);
    }
  }
  if (line.empty()) return;
  float wrap = r.w - fs * 1.5f;
  ImVec2 sz = ImGui::CalcTextSize(line.c_str(), nullptr, false, wrap);
  ImVec2 p(r.x + fs * 0.5f, r.y + r.h - sz.y - fs * 2.7f);  // above the u ticks and the axis name
  dl->AddRectFilled(ImVec2(p.x - 3, p.y - 2), ImVec2(p.x + sz.x + 3, p.y + sz.y + 2), IM_COL32(22, 24, 30, 215), 3.f);
  dl->AddText(ImGui::GetFont(), fs, p, col, line.c_str(), nullptr, wrap);
  ctx.rects["map/inverse-note"] = ImVec4(p.x, p.y, sz.x, sz.y);
  m_noteRect = ImVec4(p.x, p.y, sz.x, sz.y);
  m_noteText = line;
}

void LatentMapPanel::finishLasso(PanelContext& ctx, const MapRect& r, int64_t near) {
  AppState& s = ctx.state;
  const MapPoints* pts = ctx.points;
  std::vector<int64_t>& group = s.steerGroups[m_lasso.group()];
  ImVec2 d(ImGui::GetIO().MousePos.x - m_pressPos.x, ImGui::GetIO().MousePos.y - m_pressPos.y);
  if (!pts || (d.x * d.x + d.y * d.y < 16 && m_lasso.polygon().size() < 3)) {
    if (pts && near >= 0) MapLasso::toggle(group, near);  // a Shift/Ctrl click: one point in or out
    m_lasso.cancel();
    return;
  }
  // The lasso's outline stays on the map, in plane coordinates (it follows pan and zoom).
  std::vector<std::pair<double, double>> shape;
  for (const LassoPoint& q : m_lasso.polygon()) {
    double u, v;
    s.view.toPlane(r, q.x, q.y, u, v);
    shape.push_back({u, v});
  }
  if (pts->version != m_shapesOf) m_groupShapes[0].clear(), m_groupShapes[1].clear();
  m_shapesOf = pts->version;
  m_groupShapes[m_lasso.group()].push_back(std::move(shape));
  m_lasso.finish(
      pts->count(),
      [&](size_t i, float& x, float& y) { s.view.toScreen(r, pts->uv[2 * i], pts->uv[2 * i + 1], x, y); },
      [&](size_t i) { return s.classHidden(pts->labels.empty() ? -1 : pts->labels[i]); }, group);
}

void LatentMapPanel::drawGroups(PanelContext& ctx, ImDrawList* dl, const MapRect& r) {
  AppState& s = ctx.state;
  const MapPoints* pts = ctx.points;
  const ImU32 colors[2] = {IM_COL32(255, 170, 60, 255), IM_COL32(80, 220, 255, 255)};
  float fs = ImGui::GetFontSize();
  // An outline is in plane coordinates of the dots it was drawn around: once they move (another
  // plane, model or data, a layout step) it no longer encloses them, so it goes; the members'
  // rings below follow the dots.
  if (!pts || pts->version != m_shapesOf) m_groupShapes[0].clear(), m_groupShapes[1].clear();
  for (int g = 0; g < 2 && pts; ++g) {
    if (s.steerGroups[g].empty()) m_groupShapes[g].clear();  // emptied in the Directions panel
    // Each lasso's outline; rings on the members only while they are few enough to tell
    // apart (hundreds of rings would bury the class colours they are about).
    for (const auto& shape : m_groupShapes[g]) {
      std::vector<ImVec2> screen;
      for (auto [u, v] : shape) {
        float x, y;
        s.view.toScreen(r, u, v, x, y);
        screen.push_back(ImVec2(x, y));
      }
      if (screen.size() >= 3) dl->AddPolyline(screen.data(), int(screen.size()), colors[g], ImDrawFlags_Closed, 2.f);
    }
    if (s.steerGroups[g].size() > 300) continue;
    for (int64_t i : s.steerGroups[g]) {
      if (i < 0 || size_t(i) >= pts->count()) continue;
      float x, y;
      s.view.toScreen(r, pts->uv[2 * size_t(i)], pts->uv[2 * size_t(i) + 1], x, y);
      dl->AddCircle(ImVec2(x, y), std::max(3.f, s.pointSize), colors[g], 8, 1.5f);
    }
  }
  if (m_lasso.active()) {
    const auto& poly = m_lasso.polygon();
    for (size_t i = 1; i < poly.size(); ++i)
      dl->AddLine(ImVec2(poly[i - 1].x, poly[i - 1].y), ImVec2(poly[i].x, poly[i].y), colors[m_lasso.group()], 2.f);
    if (poly.size() > 2)  // the closing edge, fainter: where the lasso will close
      dl->AddLine(ImVec2(poly.back().x, poly.back().y), ImVec2(poly[0].x, poly[0].y), colors[m_lasso.group()] & 0x80ffffff, 1.f);
  }
  if (s.steerGroups[0].empty() && s.steerGroups[1].empty() && !m_lasso.active()) return;
  char t[96];
  std::snprintf(t, sizeof t, "group A %zu   group B %zu", s.steerGroups[0].size(), s.steerGroups[1].size());
  ImVec2 at(r.x + fs * 0.5f, r.y + r.h - fs * 1.6f);
  ImVec2 sz = ImGui::CalcTextSize(t);
  dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + sz.x + 4, at.y + sz.y + 2), IM_COL32(0, 0, 0, 170), 3.f);
  dl->AddText(at, IM_COL32(235, 235, 240, 255), t);
}

}  // namespace latentlab
