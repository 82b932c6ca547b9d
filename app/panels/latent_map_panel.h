// The latent map: every encoded data point on the map plane, coloured by class, with a
// legend (click to hide/show a class), pan (right/middle drag), zoom (wheel), hover tooltip,
// click to select, and the decode cursor (left press/drag). Only writes AppState; the app
// turns cursor and selection changes into engine requests.
#pragma once
#include <array>
#include <vector>

#include "app/panels/panel.h"

namespace latentlab {

class LatentMapPanel : public Panel {
 public:
  LatentMapPanel() : Panel("map", "Latent map") {}
  int64_t hovered() const { return m_hovered; }
  // A legend swatch as last drawn: fill 0 = hollow (the class is hidden).
  struct Swatch {
    ImU32 fill = 0, border = 0;
  };
  const std::vector<Swatch>& swatches() const { return m_swatches; }
  // An axis tick as last drawn: `vertical` ticks mark v on the left edge, the others u on
  // the bottom edge; `screen` is its x (u) or y (v); `label` its text's rectangle.
  struct Tick {
    bool vertical = false;
    double value = 0;
    float screen = 0;
    ImVec4 label;
  };
  const std::vector<Tick>& ticks() const { return m_ticks; }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;
  ImGuiWindowFlags flags() const override { return ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse; }

 private:
  void drawToolbar(PanelContext& ctx);
  void drawLegend(PanelContext& ctx, float width, float height);
  void drawMap(PanelContext& ctx, ImVec2 size);
  void drawOverlays(PanelContext& ctx, ImDrawList* dl, const MapRect& r);
  void drawTicks(PanelContext& ctx, ImDrawList* dl, const MapRect& r);

  std::vector<Swatch> m_swatches;
  std::vector<Tick> m_ticks;

  int64_t m_hovered = -1;
  bool m_cursorDrag = false;
  ImVec2 m_pressPos{0, 0};
  int m_picking = 0;  // > 0: the next clicks pick plane points (1..3)
  std::array<int64_t, 3> m_picked{{-1, -1, -1}};
};

}  // namespace latentlab
