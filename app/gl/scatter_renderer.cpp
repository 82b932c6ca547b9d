#include "app/gl/scatter_renderer.h"

#include "app/dirty_regions.h"
#include "app/gl/shader_program.h"

#include <utility>

namespace latentlab::gl {

void ScatterRenderer::init() {
  m_program = buildProgram("scatter.vert", "scatter.frag");
  m_uCenter = glGetUniformLocation(m_program.id(), "uCenter");
  m_uScale = glGetUniformLocation(m_program.id(), "uScale");
  m_uPointSize = glGetUniformLocation(m_program.id(), "uPointSize");
  m_uViewport = glGetUniformLocation(m_program.id(), "uViewport");
  m_vao = VertexArray::create();
  m_pos = Buffer::create();
  m_color = Buffer::create();
  m_corners = Buffer::create();
  // Each point is an instance of this strip; its position and colour advance per instance.
  const float corners[8] = {-1, -1, 1, -1, -1, 1, 1, 1};
  glBindVertexArray(m_vao.id());
  glBindBuffer(GL_ARRAY_BUFFER, m_corners.id());
  glBufferData(GL_ARRAY_BUFFER, sizeof corners, corners, GL_STATIC_DRAW);
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(2, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
}

bool ScatterRenderer::draw(ImDrawList* list, const MapPoints& points, const std::vector<bool>& hidden, const View& view) {
  if (!m_program) return false;
  if (points.version != m_version || hidden != m_hidden) {
    std::vector<ImU32> colors(points.count());
    for (size_t i = 0; i < colors.size(); ++i) {
      int label = points.labels.empty() ? -1 : points.labels[i];
      bool off = label >= 0 && size_t(label) < hidden.size() && hidden[size_t(label)];
      colors[i] = off ? 0 : classColor(label);
    }
    glBindVertexArray(m_vao.id());
    glBindBuffer(GL_ARRAY_BUFFER, m_pos.id());
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(points.uv.size() * sizeof(float)), points.uv.data(), GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glVertexAttribDivisor(0, 1);
    glBindBuffer(GL_ARRAY_BUFFER, m_color.id());
    glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(colors.size() * sizeof(ImU32)), colors.data(), GL_STATIC_DRAW);
    glEnableVertexAttribArray(1);
    glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, 0, nullptr);
    glVertexAttribDivisor(1, 1);
    glBindVertexArray(0);
    m_version = points.version;
    m_hidden = hidden;
    m_count = points.count();
    m_changed = true;
  }
  const View& o = m_view;
  if (o.rectMin.x != view.rectMin.x || o.rectMin.y != view.rectMin.y || o.rectMax.x != view.rectMax.x ||
      o.rectMax.y != view.rectMax.y || o.centerU != view.centerU || o.centerV != view.centerV ||
      o.pixelsPerUnit != view.pixelsPerUnit || o.pointSize != view.pointSize)
    m_changed = true;
  m_view = view;
  list->AddCallback(&ScatterRenderer::callback, this);
  list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
  return true;
}

bool ScatterRenderer::takeChanged(ImVec4& rect) {
  rect = ImVec4(m_view.rectMin.x, m_view.rectMin.y, m_view.rectMax.x, m_view.rectMax.y);
  return std::exchange(m_changed, false);
}

void ScatterRenderer::callback(const ImDrawList*, const ImDrawCmd* cmd) {
  static_cast<ScatterRenderer*>(cmd->UserCallbackData)->render(cmd);
}

void ScatterRenderer::render(const ImDrawCmd* cmd) {
  ImGuiIO& io = ImGui::GetIO();
  float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
  int fbw = int(io.DisplaySize.x * sx), fbh = int(io.DisplaySize.y * sy);
  const View& v = m_view;
  float w = v.rectMax.x - v.rectMin.x, h = v.rectMax.y - v.rectMin.y;
  // The scissor is the draw command's clip rectangle (the map, intersected with its window,
  // and with the region being redrawn), turned into pixels exactly as the ImGui renderer
  // does for its own commands: partial redraws rely on the two agreeing (dirty_regions.h).
  PixelRect c = rendererScissor(cmd->ClipRect, ImVec2(0, 0), io.DisplayFramebufferScale, fbw, fbh);
  if (c.empty()) return;
  // The viewport is the map rectangle, so NDC maps straight onto it.
  glViewport(GLint(v.rectMin.x * sx), GLint(float(fbh) - v.rectMax.y * sy), GLsizei(w * sx), GLsizei(h * sy));
  glEnable(GL_SCISSOR_TEST);
  glScissor(c.x0, fbh - c.y1, c.x1 - c.x0, c.y1 - c.y0);
  glEnable(GL_BLEND);
  glBlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA);
  glUseProgram(m_program.id());
  glUniform2f(m_uCenter, float(v.centerU), float(v.centerV));
  glUniform2f(m_uScale, float(2.0 * v.pixelsPerUnit / w), float(2.0 * v.pixelsPerUnit / h));
  glUniform1f(m_uPointSize, v.pointSize * sx + 1.f);
  glUniform2f(m_uViewport, w * sx, h * sy);
  glBindVertexArray(m_vao.id());
  glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, GLsizei(m_count));
  glBindVertexArray(0);
}

}  // namespace latentlab::gl
