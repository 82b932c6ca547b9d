#include "app/dirty_regions.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace latentlab {

namespace {

DirtyRect unite(const DirtyRect& a, const DirtyRect& b) {
  return {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

bool overlaps(const DirtyRect& a, const DirtyRect& b) {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

DirtyRect clipTo(DirtyRect r, const ImVec4& c) {
  return {std::max(r.x0, c.x), std::max(r.y0, c.y), std::min(r.x1, c.z), std::min(r.y1, c.w)};
}

// Bounding box of a triangle, grown by a pixel for anti-aliased edges and rounding.
DirtyRect triangleBox(const std::vector<ImDrawVert>& v, const uint32_t* t) {
  DirtyRect r{std::numeric_limits<float>::max(), std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
              -std::numeric_limits<float>::max()};
  for (int k = 0; k < 3; ++k) {
    const ImVec2& p = v[t[k]].pos;
    r.x0 = std::min(r.x0, p.x), r.y0 = std::min(r.y0, p.y), r.x1 = std::max(r.x1, p.x), r.y1 = std::max(r.y1, p.y);
  }
  return {r.x0 - 1, r.y0 - 1, r.x1 + 1, r.y1 + 1};
}

bool sameVertex(const ImDrawVert& a, const ImDrawVert& b) { return std::memcmp(&a, &b, sizeof(ImDrawVert)) == 0; }

bool sameClip(const ImVec4& a, const ImVec4& b) { return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w; }

class Collector {
 public:
  void add(DirtyRect r) {
    if (r.empty()) return;
    // Triangles of one change usually touch: grow the last rectangle when they do, so the
    // list stays short before the real merge.
    if (!m_rects.empty() && overlaps(m_rects.back(), r)) m_rects.back() = unite(m_rects.back(), r);
    else m_rects.push_back(r);
  }
  std::vector<DirtyRect>& rects() { return m_rects; }

 private:
  std::vector<DirtyRect> m_rects;
};

// A triangle of a draw list (or a callback command, `first` = -1), with its command.
struct Tri {
  const FrameSnapshot::Cmd* cmd;
  long first;  // index into idx of its first corner
};

std::vector<Tri> triangles(const FrameSnapshot::List& l) {
  std::vector<Tri> out;
  for (const auto& c : l.cmds) {
    if (c.callback) {
      out.push_back({&c, -1});
      continue;
    }
    for (unsigned k = 0; k + 2 < c.elemCount; k += 3) out.push_back({&c, long(c.idxOffset + k)});
  }
  return out;
}

bool sameTri(const FrameSnapshot::List& la, const Tri& a, const FrameSnapshot::List& lb, const Tri& b,
             const std::set<ImTextureID>& changedTextures) {
  if (!sameClip(a.cmd->clip, b.cmd->clip) || a.cmd->texture != b.cmd->texture || (a.first < 0) != (b.first < 0))
    return false;
  if (changedTextures.count(b.cmd->texture)) return false;
  if (a.first < 0) return true;
  for (int k = 0; k < 3; ++k)
    if (!sameVertex(la.vtx[la.idx[size_t(a.first) + k]], lb.vtx[lb.idx[size_t(b.first) + k]])) return false;
  return true;
}

DirtyRect triBox(const FrameSnapshot::List& l, const Tri& t) {
  const ImVec4& c = t.cmd->clip;
  if (t.first < 0) return {c.x, c.y, c.z, c.w};
  return clipTo(triangleBox(l.vtx, &l.idx[size_t(t.first)]), c);
}

}  // namespace

void FrameSnapshot::capture(const ImDrawData& dd) {
  lists.resize(size_t(dd.CmdListsCount));
  for (int i = 0; i < dd.CmdListsCount; ++i) {
    const ImDrawList* l = dd.CmdLists[i];
    List& s = lists[size_t(i)];
    s.vtx.assign(l->VtxBuffer.Data, l->VtxBuffer.Data + l->VtxBuffer.Size);
    s.idx.assign(l->IdxBuffer.Data, l->IdxBuffer.Data + l->IdxBuffer.Size);
    s.cmds.clear();
    for (const ImDrawCmd& c : l->CmdBuffer) {
      // Rebasing vertex offsets into the index values keeps the comparison simple.
      if (c.VtxOffset != 0)
        for (unsigned k = 0; k < c.ElemCount; ++k) s.idx[c.IdxOffset + k] += c.VtxOffset;
      s.cmds.push_back({c.ClipRect, c.TextureId, c.IdxOffset, c.ElemCount, c.UserCallback != nullptr});
    }
  }
}

std::vector<DirtyRect> dirtyRegions(const FrameSnapshot& prev, const FrameSnapshot& cur,
                                    const std::set<ImTextureID>& changedTextures, const std::vector<DirtyRect>& extra,
                                    ImVec2 display, int maxRects) {
  DirtyRect screen{0, 0, display.x, display.y};
  if (prev.empty()) return {screen};
  Collector out;
  for (const DirtyRect& r : extra) out.add(r);
  // Everything a list draws, clipped: what changes when the list is not comparable.
  auto wholeList = [&](const FrameSnapshot::List& l) {
    for (const auto& c : l.cmds) {
      if (c.callback) {
        out.add({c.clip.x, c.clip.y, c.clip.z, c.clip.w});
        continue;
      }
      for (unsigned k = 0; k + 2 < c.elemCount; k += 3) out.add(clipTo(triangleBox(l.vtx, &l.idx[c.idxOffset + k]), c.clip));
    }
  };
  size_t n = std::max(prev.lists.size(), cur.lists.size());
  for (size_t i = 0; i < n; ++i) {
    const FrameSnapshot::List* a = i < prev.lists.size() ? &prev.lists[i] : nullptr;
    const FrameSnapshot::List* b = i < cur.lists.size() ? &cur.lists[i] : nullptr;
    bool comparable = a && b && a->vtx.size() == b->vtx.size() && a->idx.size() == b->idx.size() &&
                      a->cmds.size() == b->cmds.size();
    for (size_t c = 0; comparable && c < b->cmds.size(); ++c)
      comparable = a->cmds[c].idxOffset == b->cmds[c].idxOffset && a->cmds[c].elemCount == b->cmds[c].elemCount &&
                   a->cmds[c].callback == b->cmds[c].callback;
    if (!comparable) {
      if (a && b) {
        // Shapes were added or removed (a trajectory grew, a text changed length): what comes
        // before the first difference and after the last one is the same, by value.
        std::vector<Tri> ta = triangles(*a), tb = triangles(*b);
        size_t pre = 0, suf = 0;
        while (pre < ta.size() && pre < tb.size() && sameTri(*a, ta[pre], *b, tb[pre], changedTextures)) ++pre;
        while (suf < ta.size() - pre && suf < tb.size() - pre &&
               sameTri(*a, ta[ta.size() - 1 - suf], *b, tb[tb.size() - 1 - suf], changedTextures))
          ++suf;
        for (size_t k = pre; k + suf < ta.size(); ++k) out.add(triBox(*a, ta[k]));
        for (size_t k = pre; k + suf < tb.size(); ++k) out.add(triBox(*b, tb[k]));
      } else {
        if (a) wholeList(*a);
        if (b) wholeList(*b);
      }
      continue;
    }
    std::vector<char> moved(b->vtx.size());
    for (size_t v = 0; v < b->vtx.size(); ++v) moved[v] = !sameVertex(a->vtx[v], b->vtx[v]);
    for (size_t c = 0; c < b->cmds.size(); ++c) {
      const auto& ca = a->cmds[c];
      const auto& cb = b->cmds[c];
      bool whole = !sameClip(ca.clip, cb.clip) || ca.texture != cb.texture || changedTextures.count(cb.texture) > 0;
      if (cb.callback) {
        if (whole) out.add({cb.clip.x, cb.clip.y, cb.clip.z, cb.clip.w}), out.add({ca.clip.x, ca.clip.y, ca.clip.z, ca.clip.w});
        continue;
      }
      for (unsigned k = 0; k + 2 < cb.elemCount; k += 3) {
        const uint32_t* ta = &a->idx[ca.idxOffset + k];
        const uint32_t* tb = &b->idx[cb.idxOffset + k];
        bool changed = whole || ta[0] != tb[0] || ta[1] != tb[1] || ta[2] != tb[2] || moved[tb[0]] || moved[tb[1]] ||
                       moved[tb[2]];
        if (!changed) continue;
        out.add(clipTo(triangleBox(a->vtx, ta), ca.clip));
        out.add(clipTo(triangleBox(b->vtx, tb), cb.clip));
      }
    }
  }
  std::vector<DirtyRect> clipped;
  for (DirtyRect r : out.rects()) {
    r = {std::max(r.x0, 0.f), std::max(r.y0, 0.f), std::min(r.x1, display.x), std::min(r.y1, display.y)};
    if (!r.empty()) clipped.push_back(r);
  }
  return mergeRects(std::move(clipped), maxRects);
}

std::vector<DirtyRect> mergeRects(std::vector<DirtyRect> rects, int maxRects) {
  // Overlapping rectangles first: their union costs no extra area worth keeping apart.
  for (bool again = true; again;) {
    again = false;
    for (size_t i = 0; i < rects.size() && !again; ++i)
      for (size_t j = i + 1; j < rects.size(); ++j)
        if (overlaps(rects[i], rects[j])) {
          rects[i] = unite(rects[i], rects[j]);
          rects.erase(rects.begin() + long(j));
          again = true;
          break;
        }
  }
  while (int(rects.size()) > std::max(maxRects, 1)) {
    size_t bi = 0, bj = 1;
    float best = std::numeric_limits<float>::max();
    for (size_t i = 0; i < rects.size(); ++i)
      for (size_t j = i + 1; j < rects.size(); ++j) {
        float growth = unite(rects[i], rects[j]).area() - rects[i].area() - rects[j].area();
        if (growth < best) best = growth, bi = i, bj = j;
      }
    rects[bi] = unite(rects[bi], rects[bj]);
    rects.erase(rects.begin() + long(bj));
  }
  return rects;
}

}  // namespace latentlab

namespace latentlab {

PixelRect intersect(const PixelRect& a, const PixelRect& b) {
  PixelRect r{std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
  return r.empty() ? PixelRect{} : r;
}

PixelRect toPixels(const DirtyRect& r, ImVec2 displayPos, ImVec2 scale, int fbw, int fbh) {
  PixelRect p{int(std::floor((r.x0 - displayPos.x) * scale.x)), int(std::floor((r.y0 - displayPos.y) * scale.y)),
              int(std::ceil((r.x1 - displayPos.x) * scale.x)), int(std::ceil((r.y1 - displayPos.y) * scale.y))};
  return intersect(p, {0, 0, fbw, fbh});
}

PixelRect rendererScissor(const ImVec4& clip, ImVec2 displayPos, ImVec2 scale, int fbw, int fbh) {
  // The same float expressions and truncations as imgui_impl_opengl3.cpp's glScissor call.
  ImVec2 cmin((clip.x - displayPos.x) * scale.x, (clip.y - displayPos.y) * scale.y);
  ImVec2 cmax((clip.z - displayPos.x) * scale.x, (clip.w - displayPos.y) * scale.y);
  if (cmax.x <= cmin.x || cmax.y <= cmin.y) return {};
  int x = int(cmin.x), yGl = int(float(fbh) - cmax.y), w = int(cmax.x - cmin.x), h = int(cmax.y - cmin.y);
  return intersect({x, fbh - yGl - h, x + w, fbh - yGl}, {0, 0, fbw, fbh});
}

ImVec4 clipFor(const PixelRect& p, ImVec2 displayPos, ImVec2 scale) {
  if (p.empty()) return ImVec4(displayPos.x, displayPos.y, displayPos.x, displayPos.y);
  // Quarter-pixel margins make every truncation in the renderer land on the intended
  // integer whatever the float rounding of the scale round trip.
  return ImVec4((float(p.x0) + 0.25f) / scale.x + displayPos.x, (float(p.y0) - 0.5f) / scale.y + displayPos.y,
                (float(p.x1) + 0.5f) / scale.x + displayPos.x, (float(p.y1) - 0.25f) / scale.y + displayPos.y);
}

}  // namespace latentlab
