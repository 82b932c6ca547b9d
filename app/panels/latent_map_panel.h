// The latent map: every encoded data point on the map plane, coloured by class, with a
// legend (click to hide/show a class), pan (right/middle drag), zoom (wheel), hover tooltip,
// click to select, and the decode cursor (left press/drag). The projection is one of the
// registry's (engine/projection): the exact planes, or t-SNE/UMAP laid out on the
// background worker (MapLayoutControls), where dragging decodes the inverse-distance blend
// of the nearest points' latents and says so. Only writes AppState; the app turns cursor
// and selection changes into engine requests.
#pragma once
#include <array>
#include <utility>
#include <vector>

#include "app/map_lasso.h"
#include "app/map_view.h"
#include "app/panels/map_layout_controls.h"
#include "app/panels/panel.h"
#include "engine/projection/map_inverse.h"

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
  MapLayoutControls& layoutControls() { return m_layout; }
  // The note under a nonlinear map (what a drag decodes, or why it does not yet), as last drawn.
  const std::string& inverseNote() const { return m_noteText; }
  // On a nonlinear map: what the cursor decodes (the blend, how far it reached); null otherwise.
  const InverseSample* cursorSample() const { return m_hasSample ? &m_sample : nullptr; }
  // Lasso outlines of group 0 (A) / 1 (B) still drawn: dropped once the dots move (plane, model, data, layout).
  size_t lassoOutlines(int group) const { return m_groupShapes[group].size(); }

  void saveState(nlohmann::json& out) const override { m_layout.save(out); }
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override {
    m_layout.restore(in, warnings);
  }

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
  void updateNonlinearCursor(PanelContext& ctx);
  void drawInverseNote(PanelContext& ctx, ImDrawList* dl, const MapRect& r);
  void finishLasso(PanelContext& ctx, const MapRect& r, int64_t near);
  void drawGroups(PanelContext& ctx, ImDrawList* dl, const MapRect& r);

  std::vector<Swatch> m_swatches;
  std::vector<Tick> m_ticks;

  int64_t m_hovered = -1;
  bool m_cursorDrag = false;
  ImVec2 m_pressPos{0, 0};
  int m_picking = 0;  // > 0: the next clicks pick plane points (1..3)
  std::array<int64_t, 3> m_picked{{-1, -1, -1}};

  MapPicker m_picker;
  MapLasso m_lasso;  // Shift/Ctrl + drag: steering groups A/B
  std::vector<std::vector<std::pair<double, double>>> m_groupShapes[2];  // finished lassoes, plane (u, v)
  uint64_t m_shapesOf = 0;  // MapPoints::version the outlines were drawn on
  MapLayoutControls m_layout;
  std::string m_shownMode;     // plane mode of the last frame (entering/leaving t-SNE/UMAP)
  bool m_cursorPending = false;  // on a nonlinear map the cursor waits for the inverse
  InverseSample m_sample;
  bool m_hasSample = false;
  const MapInverse* m_sampleInverse = nullptr;
  double m_sampleU = 0, m_sampleV = 0;
  std::string m_noteText;          // what the note says (tests)
  ImVec4 m_noteRect{0, 0, 0, 0};  // the approximate-decode note as last drawn: tick labels keep clear
};

}  // namespace latentlab
