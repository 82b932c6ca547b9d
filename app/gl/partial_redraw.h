// Draws ImGui frames into a window whose pixels persist between frames (single-buffered, on a
// software rasteriser), re-rasterising only the regions that changed (app/dirty_regions.h).
// Under Mesa llvmpipe a whole 1600 x 1000 ImGui frame costs about 35 ms; dragging changes a
// few small areas (the cursor, the decoded image, the frame-time plot). With `full` it draws
// the whole frame, as a double-buffered (GPU) window needs every frame. GL thread only.
#pragma once
#include <imgui.h>

#include <memory>
#include <set>
#include <vector>

#include "app/dirty_regions.h"
#include "app/gl/redraw_check.h"

namespace latentlab::gl {

class PartialRedraw {
 public:
  // Debug switches from the environment: LATENTLAB_REDRAW_CHECK=FILE compares every partial
  // frame with a whole one (gl::RedrawCheck); LATENTLAB_REDRAW_DEBUG=highlight tints the
  // regions each frame redraws.
  PartialRedraw();
  // Renders `dd` into the bound framebuffer. `changedTextures`: textures re-uploaded since
  // the last frame; `extra`: further regions known to have changed; `full`: redraw all.
  void render(ImDrawData* dd, int fbw, int fbh, const std::set<ImTextureID>& changedTextures,
              const std::vector<DirtyRect>& extra, bool full);
  // Fraction of the display re-rasterised in the last frame (1 = all); for bench/.
  float lastFraction() const { return m_fraction; }

 private:
  void drawRegions(ImDrawData* dd, int fbw, int fbh, const std::vector<PixelRect>& regions);
  void highlight(ImDrawData* dd, const std::vector<PixelRect>& rects);

  std::unique_ptr<RedrawCheck> m_check;
  bool m_highlight = false;
  std::vector<PixelRect> m_tinted;  // last frame's tint, to be redrawn away
  FrameSnapshot m_prev, m_cur;
  int m_w = 0, m_h = 0;
  float m_fraction = 1;
};

}  // namespace latentlab::gl
