// The latent map's controls for a nonlinear projection (t-SNE, UMAP): its parameters, Run /
// Pause / Resume / Cancel / Restart, the progress of the layout running on the background
// worker (slot "map/layout"), and the cache: the same model + data + settings shows its
// finished layout again at once. Switching to a plane pauses a running layout; coming back
// resumes it. Only writes AppState, MapLayouts and job requests; never touches torch or GL.
#pragma once
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "app/map_layouts.h"
#include "app/panels/panel.h"

namespace latentlab {

class MapLayoutControls {
 public:
  // Every frame a nonlinear projection is the plane mode: keeps the active layout in step
  // with the encoded latents and the applied settings (starting a run when there is none),
  // and draws the settings row and the progress line.
  void draw(PanelContext& ctx);
  // The plane mode left the nonlinear projections: a running layout pauses.
  void leave(PanelContext& ctx);
  // Finished or paused layouts have an inverse (drag to decode); null while it runs.
  std::shared_ptr<const MapInverse> inverse() const { return m_inverse; }
  const std::shared_ptr<MapLayout>& layout() const { return m_layout; }
  MapLayout::State state() const { return m_layout ? m_layout->state.load() : MapLayout::State::Queued; }
  // The view follows the layout while it spreads out, until the user pans or zooms.
  bool follow = true;

  ProjectionParams params;   // as edited
  ProjectionParams applied;  // what the shown layout was asked with
  void save(nlohmann::json& out) const;
  void restore(const nlohmann::json& in, std::vector<std::string>& warnings);

  // Buttons, for tests and shortcuts.
  void pause();
  void resume(PanelContext& ctx);
  void cancel(PanelContext& ctx);
  void restart(PanelContext& ctx);

 private:
  void start(PanelContext& ctx, std::shared_ptr<MapLayout> layout);
  void drawSettings(PanelContext& ctx, const std::string& projection);
  void drawProgress(PanelContext& ctx);
  std::shared_ptr<MapLayout> m_layout;
  std::shared_ptr<const MapInverse> m_inverse;
  bool m_resumeOnReturn = false;  // leave() paused a running layout
};

}  // namespace latentlab
