// The map side of the engine client: the encoded latents, their PCA plane, and every point
// projected onto the plane in use (AppState's plane mode), with the view fit. Plain CPU maths
// on the main thread (projecting 10,000 16-d points takes well under a millisecond); never
// runs a model, never touches ImGui or GL.
#pragma once
#include <memory>
#include <string>

#include "app/app_state.h"
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
  std::string applyPlane(AppState& state);
  // The view shows every point, with a margin.
  void fit(MapView& view) const { view.fit(m_points.uv); }

  const LatentSet* latents() const { return m_latents.get(); }
  std::shared_ptr<const LatentSet> latentsShared() const { return m_latents; }
  const LatentPlane& pcaPlane() const { return m_pca; }
  const MapPoints& points() const { return m_points; }

 private:
  std::shared_ptr<const LatentSet> m_latents;
  LatentPlane m_pca;
  MapPoints m_points;
};

}  // namespace latentlab
