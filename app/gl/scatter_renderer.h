// Draws the latent map's base layer (background, origin axes, every point) as one texture:
// app/map/points_layer.h renders it on the CPU only when the points, hidden classes, zoom,
// dot size or map size change (a whole-pixel pan shifts it), and the texture is re-uploaded
// only then. Each frame is one textured quad; hover rings, the cursor and paths are ImGui
// overlays on top. On Mesa llvmpipe (Xvfb) drawing 70,000 instanced quads cost ~100 ms a
// frame; this costs a few ms when the view moves and nothing otherwise. GL thread only.
#pragma once
#include <vector>

#include "app/gl/texture_cache.h"
#include "app/map/points_layer.h"
#include "app/map_points.h"

namespace latentlab::gl {

class ScatterRenderer : public PointsDrawer {
 public:
  void init() {}
  void release() { m_texture.clear(); }  // before the context goes
  bool draw(ImDrawList* list, const MapPoints& points, const std::vector<bool>& hidden, const View& view) override;
  // Whether the layer looks different from the last call (new points, hidden classes, view):
  // then `rect` is the map's screen rectangle, for partial redraws.
  bool takeChanged(ImVec4& rect);
  const PointsLayer& layer() const { return m_layer; }

 private:
  PointsLayer m_layer;
  TextureCache m_texture;
  ImVec4 m_rect{0, 0, 0, 0};
  bool m_changed = true;
};

}  // namespace latentlab::gl
