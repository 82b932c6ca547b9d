// Which parts of the screen changed between two ImGui frames, so that a software rasteriser
// (Mesa llvmpipe, the usual GL under Xvfb and on machines without a GPU) re-draws only those:
// on a 1600 x 1000 window, rasterising the whole ImGui frame costs about 35 ms there, while
// dragging changes a few small areas (the cursor, the decoded image, the frame-time plot).
// Pure CPU logic on ImDrawData copies: no GL, testable headless.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <set>
#include <vector>

namespace latentlab {

struct DirtyRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // ImGui display coordinates
  float area() const { return (x1 - x0) * (y1 - y0); }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

// A copy of one frame's draw lists, enough to compare with the next frame.
class FrameSnapshot {
 public:
  void capture(const ImDrawData& dd);
  bool empty() const { return lists.empty(); }

  // The copy itself, read by the comparison in dirty_regions.cpp.
  struct Cmd {
    ImVec4 clip;
    ImTextureID texture;
    unsigned idxOffset, elemCount;
    bool callback;
  };
  struct List {
    std::vector<ImDrawVert> vtx;
    std::vector<uint32_t> idx;  // rebased by each command's VtxOffset
    std::vector<Cmd> cmds;
  };
  std::vector<List> lists;
};

// The regions to redraw so that `cur` appears where `prev` was drawn: triangles that moved,
// appeared or vanished (old and new places), commands whose clip or texture changed, every
// command drawing a texture in `changedTextures` (re-uploaded this frame), and `extra`
// (e.g. the map when its points moved). Merged to at most `maxRects` rectangles, clipped to
// the display. An empty `prev` (first frame) gives the whole display.
std::vector<DirtyRect> dirtyRegions(const FrameSnapshot& prev, const FrameSnapshot& cur,
                                    const std::set<ImTextureID>& changedTextures, const std::vector<DirtyRect>& extra,
                                    ImVec2 display, int maxRects = 6);

// Merges overlapping rectangles, then the pair that grows least, until at most maxRects remain.
std::vector<DirtyRect> mergeRects(std::vector<DirtyRect> rects, int maxRects);

// Whole framebuffer pixels, top row 0, ends exclusive. Redrawing is done in these: a clear and
// a draw scissored to the same integer box touch exactly the same pixels, where fractional
// display rectangles were rounded one way by the clear and another by the renderer.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  long area() const { return empty() ? 0 : long(x1 - x0) * (y1 - y0); }
  bool operator==(const PixelRect& o) const { return x0 == o.x0 && y0 == o.y0 && x1 == o.x1 && y1 == o.y1; }
};
PixelRect intersect(const PixelRect& a, const PixelRect& b);

// The pixels a display rectangle touches (rounded outward), inside a fbw x fbh framebuffer.
PixelRect toPixels(const DirtyRect& r, ImVec2 displayPos, ImVec2 scale, int fbw, int fbh);
// The pixels the ImGui OpenGL3 renderer (1.86) lets a command with this clip rectangle draw:
// its own float-to-int conversion, reproduced exactly, then cut to the framebuffer.
PixelRect rendererScissor(const ImVec4& clip, ImVec2 displayPos, ImVec2 scale, int fbw, int fbh);
// A clip rectangle for which that renderer scissors to exactly `p` (an empty one for an
// empty `p`): rendererScissor(clipFor(p)) == p.
ImVec4 clipFor(const PixelRect& p, ImVec2 displayPos, ImVec2 scale);

}  // namespace latentlab
