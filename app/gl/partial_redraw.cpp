#include "app/gl/partial_redraw.h"

#include <backends/imgui_impl_opengl3.h>
#include <epoxy/gl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace latentlab::gl {

PartialRedraw::PartialRedraw() : m_check(RedrawCheck::fromEnv()) {
  const char* dbg = std::getenv("LATENTLAB_REDRAW_DEBUG");
  m_highlight = dbg && std::strcmp(dbg, "highlight") == 0;
}

void PartialRedraw::render(ImDrawData* dd, int fbw, int fbh, const std::set<ImTextureID>& changedTextures,
                           const std::vector<DirtyRect>& extra, bool full) {
  if (fbw <= 0 || fbh <= 0) return;
  glViewport(0, 0, fbw, fbh);
  m_cur.capture(*dd);
  if (fbw != m_w || fbh != m_h) full = true;  // nothing on screen to keep
  if (full) m_prev = FrameSnapshot{};
  m_w = fbw, m_h = fbh;
  std::vector<DirtyRect> rects = dirtyRegions(m_prev, m_cur, changedTextures, extra, dd->DisplaySize);
  std::swap(m_prev, m_cur);
  full = full || m_cur.empty();  // (m_cur is now the previous frame) the first frame draws all

  ImVec2 off = dd->DisplayPos, scale = dd->FramebufferScale;
  std::vector<PixelRect> pixels, changed;
  if (full) {
    // The plain path, exactly as a double-buffered window draws every frame.
    glDisable(GL_SCISSOR_TEST);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(dd);
    pixels.push_back({0, 0, fbw, fbh});
  } else {
    for (const DirtyRect& r : rects) {
      PixelRect p = toPixels(r, off, scale, fbw, fbh);
      if (!p.empty()) changed.push_back(p);
    }
    pixels = changed;
    pixels.insert(pixels.end(), m_tinted.begin(), m_tinted.end());  // the last tint goes away
    drawRegions(dd, fbw, fbh, pixels);
  }
  long area = 0;
  for (const PixelRect& p : pixels) area += p.area();
  m_fraction = std::min(1.f, float(double(area) / (double(fbw) * fbh)));
  if (m_check) m_check->check(dd, fbw, fbh, pixels, full);
  m_tinted.clear();
  if (m_highlight && !full) highlight(dd, changed);
}

void PartialRedraw::drawRegions(ImDrawData* dd, int fbw, int fbh, const std::vector<PixelRect>& regions) {
  // Each region: clear it, then draw the whole frame with every command's scissor cut to it.
  // Both work on the same whole pixels: each command gets a clip rectangle for which the
  // renderer scissors to exactly (its whole-frame scissor) x (the region), so a pixel in the
  // region receives the same fragments, in the same order, as in a whole redraw, and no
  // pixel is cleared without being redrawn. (Cutting the float clip rectangles instead left
  // a column or row cleared and never redrawn wherever a region edge was fractional: the
  // seams, black crosshair segments and the "barcode" of issue 9.)
  ImVec2 off = dd->DisplayPos, scale = dd->FramebufferScale;
  std::vector<ImVec4> saved;
  std::vector<PixelRect> scissors;
  for (int i = 0; i < dd->CmdListsCount; ++i)
    for (const ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) {
      saved.push_back(c.ClipRect);
      scissors.push_back(rendererScissor(c.ClipRect, off, scale, fbw, fbh));
    }
  glEnable(GL_SCISSOR_TEST);
  for (const PixelRect& r : regions) {
    glEnable(GL_SCISSOR_TEST);
    glScissor(r.x0, fbh - r.y1, r.x1 - r.x0, r.y1 - r.y0);
    glClear(GL_COLOR_BUFFER_BIT);
    size_t k = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i)
      for (ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) c.ClipRect = clipFor(intersect(scissors[k++], r), off, scale);
    ImGui_ImplOpenGL3_RenderDrawData(dd);
  }
  size_t k = 0;
  for (int i = 0; i < dd->CmdListsCount; ++i)
    for (ImDrawCmd& c : dd->CmdLists[i]->CmdBuffer) c.ClipRect = saved[k++];
  glDisable(GL_SCISSOR_TEST);
}

void PartialRedraw::highlight(ImDrawData* dd, const std::vector<PixelRect>& rects) {
  // Tinted with ImGui's own renderer: an extra draw list over the frame, redrawn away next
  // frame (m_tinted joins the damage), so only the current frame's regions show.
  if (rects.empty()) return;
  ImVec2 off = dd->DisplayPos, s = dd->FramebufferScale;
  ImDrawList dl(ImGui::GetDrawListSharedData());
  dl._ResetForNewFrame();
  dl.PushClipRectFullScreen();
  dl.PushTextureID(ImGui::GetIO().Fonts->TexID);
  for (const PixelRect& r : rects) {
    ImVec2 a(float(r.x0) / s.x + off.x, float(r.y0) / s.y + off.y), b(float(r.x1) / s.x + off.x, float(r.y1) / s.y + off.y);
    dl.AddRectFilled(a, b, IM_COL32(255, 0, 170, 50));
    dl.AddRect(a, b, IM_COL32(255, 0, 170, 200));
  }
  m_tinted = rects;
  ImDrawList* lists[] = {&dl};
  ImDrawData tint;
  tint.Valid = true;
  tint.CmdLists = lists;
  tint.CmdListsCount = 1;
  tint.TotalVtxCount = dl.VtxBuffer.Size;
  tint.TotalIdxCount = dl.IdxBuffer.Size;
  tint.DisplayPos = off;
  tint.DisplaySize = dd->DisplaySize;
  tint.FramebufferScale = s;
  ImGui_ImplOpenGL3_RenderDrawData(&tint);
}

}  // namespace latentlab::gl
