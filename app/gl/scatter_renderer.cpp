#include "app/gl/scatter_renderer.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace latentlab::gl {

bool ScatterRenderer::draw(ImDrawList* list, const MapPoints& points, const std::vector<bool>& hidden, const View& view) {
  LayerView lv = layerView(view, ImGui::GetIO().DisplayFramebufferScale);
  if (m_layer.update(points, hidden, lv)) m_changed = true;
  ImVec4 rect(view.rectMin.x, view.rectMin.y, view.rectMax.x, view.rectMax.y);
  if (rect.x != m_rect.x || rect.y != m_rect.y || rect.z != m_rect.z || rect.w != m_rect.w) m_changed = true;
  m_rect = rect;
  // Nearest filtering: the texture has the map's size in framebuffer pixels, one texel each.
  ImTextureID tex = m_texture.texture("points", m_layer.image(), m_layer.version(), true);
  if (!tex) return false;
  m_texture.takeUploaded();  // reported through takeChanged, with the map's rectangle
  // The layer is opaque: drawn without blending, llvmpipe need not read what is underneath.
  list->AddCallback([](const ImDrawList*, const ImDrawCmd*) { glDisable(GL_BLEND); }, nullptr);
  list->AddImage(tex, view.rectMin, view.rectMax);
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  return true;
}

bool ScatterRenderer::takeChanged(ImVec4& rect) {
  rect = m_rect;
  return std::exchange(m_changed, false);
}

}  // namespace latentlab::gl
