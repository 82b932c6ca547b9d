// Draws the latent map's points with the scatter shader (one VBO of all points, uploaded
// only when the points or hidden classes change) from an ImDrawList callback, so 10,000
// points cost one draw call: an instanced 4-corner strip per point, not GL_POINTS (llvmpipe's
// point rasteriser ignores the last scissor row, so partial redraws blended points twice).
// Scissored like ImGui's own commands (rendererScissor), so partial redraws stay exact.
// GL thread only.
#pragma once
#include <vector>

#include "app/gl/gl_handles.h"
#include "app/map_points.h"

namespace latentlab::gl {

class ScatterRenderer : public PointsDrawer {
 public:
  void init();  // builds the program; throws BadInput naming the shader on failure
  void release() { m_program = {}; m_vao = {}; m_pos = {}; m_color = {}; m_corners = {}; }  // before the context goes
  bool draw(ImDrawList* list, const MapPoints& points, const std::vector<bool>& hidden, const View& view) override;
  // Whether the points look different from the last call (new points, hidden classes, view):
  // then `rect` is the map's screen rectangle, for partial redraws.
  bool takeChanged(ImVec4& rect);

 private:
  static void callback(const ImDrawList* list, const ImDrawCmd* cmd);
  void render(const ImDrawCmd* cmd);

  Program m_program;
  VertexArray m_vao;
  Buffer m_pos, m_color, m_corners;
  uint64_t m_version = 0;
  std::vector<bool> m_hidden;
  size_t m_count = 0;
  View m_view;
  bool m_changed = true;
  GLint m_uCenter = -1, m_uScale = -1, m_uPointSize = -1, m_uViewport = -1;
};

}  // namespace latentlab::gl
