// The map side of the engine client: the encoded latents, their PCA plane, and every point
// projected onto the plane in use (AppState's plane mode), with the view fit. Plain CPU maths
// on the main thread (projecting 10,000 16-d points takes well under a millisecond); never
// runs a model, never touches ImGui or GL. For a nonlinear projection (t-SNE, UMAP: plane
// mode "tsne"/"umap") the points are the active layout of layouts(), followed frame by frame
// as its job publishes; the map panel starts those jobs (app/map_layouts.h).
#pragma once
#include <memory>
#include <string>

#include "app/app_state.h"
#include "app/map_layouts.h"
#include "app/map_points.h"
#include "engine/explore/explorer.h"

namespace latentlab {

class MapProjection {
 public:
  // A freshly encoded data set (the points follow at the next applyPlane()).
  void setLatents(std::shared_ptr<const LatentSet> latents, LatentPlane pca);
  // No map (a new model until its data is encoded). The points' version still moves on, so
  // a GPU buffer of the previous model's points is never mistaken for the new ones.
  void clear();
  // Computes state.plane from state.planeMode ("pca", "axes", "points", "custom") and projects
  // every point onto it. A mode that does not fit the latents falls back to PCA; the reason
  // is returned (empty when all went well). Places the cursor on item 0 when there is none.
  // A nonlinear mode has no exact plane: state.plane is cleared and the points follow the
  // active layout (the PCA projection until its first frame).
  std::string applyPlane(AppState& state);
  static bool nonlinear(const std::string& planeMode);
  // Where a latent (not necessarily in the data) sits on the map shown: its projection on
  // the plane, or on a finished/paused t-SNE/UMAP map the blend of its k nearest data points'
  // positions (nearest in latent space, well under a millisecond at 70,000 points). False
  // when the map cannot place it (a layout still running, a latent of another size).
  bool place(const AppState& state, const std::vector<float>& latent, double& u, double& v) const;
  // The view shows every point, with a margin.
  void fit(MapView& view) const { view.fit(points().uv); }

  const LatentSet* latents() const { return m_latents.get(); }
  std::shared_ptr<const LatentSet> latentsShared() const { return m_latents; }
  const LatentPlane& pcaPlane() const { return m_pca; }
  // Brings a nonlinear map's points up to its layout's newest frame first.
  const MapPoints& points() const;
  // Shared state the map panel fills (layout jobs); not part of this object's constness.
  MapLayouts& layouts() const { return *m_layouts; }
  bool showingLayout() const { return m_nonlinear; }

 private:
  std::shared_ptr<const LatentSet> m_latents;
  LatentPlane m_pca;
  mutable MapPoints m_points;
  std::shared_ptr<MapLayouts> m_layouts = std::make_shared<MapLayouts>();
  bool m_nonlinear = false;
  mutable const MapLayout* m_shown = nullptr;  // the layout whose frame m_points holds
  mutable uint64_t m_shownVersion = 0;
};

}  // namespace latentlab
