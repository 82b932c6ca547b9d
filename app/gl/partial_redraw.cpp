#include "app/gl/partial_redraw.h"

#include <backends/imgui_impl_opengl3.h>
#include <epoxy/gl.h>

#include <algorithm>
#include <utility>

namespace latentlab::gl {

void PartialRedraw::render(ImDrawData* dd, int fbw, int fbh, const std::set<ImTextureID>& changedTextures,
                           const std::vector<DirtyRect>& extra, bool full) {
  if (fbw <= 0 || fbh <= 0) return;
  glViewport(0, 0, fbw, fbh);
  m_cur.capture(*dd);
  if (full || fbw != m_w || fbh != m_h) m_prev = FrameSnapshot{};  // nothing on screen to keep
  m_w = fbw, m_h = fbh;
  ImVec2 display = dd->DisplaySize;
  std::vector<DirtyRect> rects = dirtyRegions(m_prev, m_cur, changedTextures, extra, display);
  std::swap(m_prev, m_cur);
  float area = 0;
  for (auto& r : rects) area += r.area();
  m_fraction = display.x * display.y > 0 ? area / (display.x * display.y) : 1;

  // Clip rects are in display coordinates; framebuffer pixels may be more (HiDPI).
  float sx = dd->FramebufferScale.x, sy = dd->FramebufferScale.y;
  ImVec2 off = dd->DisplayPos;
  std::vector<ImVec4> saved;
  for (int i = 0; i < dd->CmdListsCount; ++i)
    for (const ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) saved.push_back(c.ClipRect);
  // Each region: clear it, then draw the frame with every clip rectangle cut down to it;
  // the backend skips commands whose clip is then empty.
  for (const DirtyRect& r : rects) {
    auto x0 = GLint((r.x0 - off.x) * sx), x1 = GLint((r.x1 - off.x) * sx + 0.999f);
    auto y0 = GLint((r.y0 - off.y) * sy), y1 = GLint((r.y1 - off.y) * sy + 0.999f);
    glEnable(GL_SCISSOR_TEST);
    glScissor(x0, fbh - y1, x1 - x0, y1 - y0);
    glClear(GL_COLOR_BUFFER_BIT);
    size_t k = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i)
      for (ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) {
        const ImVec4& s = saved[k++];
        c.ClipRect = ImVec4(std::max(s.x, r.x0), std::max(s.y, r.y0), std::min(s.z, r.x1), std::min(s.w, r.y1));
      }
    ImGui_ImplOpenGL3_RenderDrawData(dd);
  }
  size_t k = 0;
  for (int i = 0; i < dd->CmdListsCount; ++i)
    for (ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) c.ClipRect = saved[k++];
  glDisable(GL_SCISSOR_TEST);
}

}  // namespace latentlab::gl
