#include "app/panels/manifold_panel.h"

#include <cmath>

#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

const char* ManifoldPanel::notes() const {
  return "A grid of pictures decoded at evenly spaced points over the part of the map you can "
         "see: left to right and bottom to top follow the map's two directions. Smooth changes "
         "between neighbours mean the model has learned a continuous space of images.";
}

void ManifoldPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  AppState& s = ctx.state;
  const EngineClient* e = ctx.engine;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::SliderInt("K", &s.gridK, 2, 32);
  itemHelp("grid-k");
  ImGui::SameLine();
  bool busy = e && e->gridPending();
  if (busy) {
    if (ImGui::Button("Cancel")) ctx.requests.cancelGrid = true;
    itemHelp("grid-cancel");
  } else {
    if (ImGui::Button("Decode grid")) {
      ctx.requests.decodeGrid = true;
      s.gridRequested = true;
    }
    itemHelp("decode-grid");
  }
  ImGui::SameLine();
  ImGui::Checkbox("Over the map", &s.gridOverlay);
  itemHelp("grid-overlay");
  notesToggle(ctx), itemRect("notes");
  if (!e || e->grid.atlas.empty()) {
    ImGui::TextWrapped("Decode a grid over the visible map area.");
    return;
  }
  const GridImages& g = e->grid;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float side = std::max(8.f, std::min(avail.x, avail.y));
  ImVec2 sz = fitImageSize(g.atlas, side, side);  // non-square tiles keep their shape
  ImVec2 p = ImGui::GetCursorScreenPos();
  p.x += std::max(0.f, (avail.x - sz.x) * 0.5f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // One texture for the whole grid: a single draw call however large K is.
  if (ImTextureID tex = ctx.textures.texture("grid-atlas", g.atlas, g.version, s.nearestFilter))
    dl->AddImage(tex, p, ImVec2(p.x + sz.x, p.y + sz.y));
  ImGui::Dummy(ImVec2(avail.x, sz.y));
}

}  // namespace latentlab
